-- +goose Up
-- The live final (contest/live): rooms, the draw of the pitch order by lot,
-- the stage each room's organizer runs, and the freeze and reveal of the
-- public board. PostgreSQL holds all of it; the board the audience sees is
-- derived from these rows and the score sheets, never stored elsewhere first.

-- A live round's stage settings: the pitch and Q&A durations shown on the
-- timer, and whether entrants' names are public to the judges (blindness off
-- for this round, because the contest's rules make them public on stage).
ALTER TABLE rounds
    ADD COLUMN pitch_seconds int NOT NULL DEFAULT 480 CHECK (pitch_seconds > 0),
    ADD COLUMN qa_seconds    int NOT NULL DEFAULT 420 CHECK (qa_seconds > 0),
    ADD COLUMN names_public  boolean NOT NULL DEFAULT false;

-- A room of a live round (第一会场 …) with its stage. The draw: the organizer
-- commits to a seed (seed_hash = hex SHA-256 of the seed) before the draw and
-- reveals it after; the order is a function of the seed and the entries'
-- codes (docs/scoring-rules.en.md, "The draw"). The stage: the current slot,
-- its phase and the timer (the phase started at phase_started_at; paused_at is
-- set while the timer is paused, and resuming moves phase_started_at by the
-- pause). frozen: the public board shows no new result until revealed.
CREATE TABLE live_rooms (
    id               bigserial PRIMARY KEY,
    round_id         bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (name <> ''),
    position         int NOT NULL,
    seed_hash        text CHECK (seed_hash ~ '^[0-9a-f]{64}$'),
    committed_at     timestamptz,
    seed             text,
    revealed_at      timestamptz,
    current_slot     bigint,
    phase            text NOT NULL DEFAULT 'waiting'
                     CHECK (phase IN ('waiting', 'pitch', 'qa', 'scoring', 'closed', 'result')),
    phase_started_at timestamptz,
    paused_at        timestamptz,
    frozen           boolean NOT NULL DEFAULT false,
    frozen_at        timestamptz,
    UNIQUE (round_id, name),
    UNIQUE (round_id, position),
    CHECK ((seed_hash IS NULL) = (committed_at IS NULL)),
    CHECK ((seed IS NULL) = (revealed_at IS NULL)),
    CHECK (seed IS NULL OR seed_hash IS NOT NULL)
);

-- The judges seated in a room, by seat (评委1, 评委2 … on the public board).
-- A judge sits in one room of a round.
CREATE TABLE live_room_judges (
    room_id   bigint NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    round_id  bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    expert_id bigint NOT NULL REFERENCES experts (id),
    seat      int NOT NULL CHECK (seat > 0),
    PRIMARY KEY (room_id, expert_id),
    UNIQUE (room_id, seat),
    UNIQUE (round_id, expert_id)
);

-- The entries pitching in a room. code is the entry's public code in the
-- draw; position is its place in the drawn order (NULL until the seed is
-- revealed; an entry moved to the end gets the next position after the last).
-- status: waiting, absent (marked with a reason), done (its result shown).
-- public: its result is on the public board (false while the board is frozen
-- until the reveal reaches it).
CREATE TABLE live_slots (
    id           bigserial PRIMARY KEY,
    room_id      bigint NOT NULL REFERENCES live_rooms (id) ON DELETE CASCADE,
    round_id     bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    entry_id     bigint NOT NULL REFERENCES entries (id),
    code         text NOT NULL,
    position     int,
    drawn        int,
    status       text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'absent', 'done')),
    moved_to_end boolean NOT NULL DEFAULT false,
    reason       text NOT NULL DEFAULT '',
    public       boolean NOT NULL DEFAULT false,
    UNIQUE (round_id, entry_id),
    UNIQUE (room_id, code),
    UNIQUE (room_id, position)
);

ALTER TABLE live_rooms ADD FOREIGN KEY (current_slot) REFERENCES live_slots (id) DEFERRABLE INITIALLY DEFERRED;

-- +goose StatementBegin
-- live_scoring_open says whether an assignment may be scored now as far as
-- the live stage goes: an assignment of a round without rooms (every online
-- round, and a live round scored without the stage) always may; one of a
-- live round with rooms only while its entry is the current one of a room
-- where its judge sits, with scoring open.
CREATE FUNCTION live_scoring_open(assignment bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT FROM assignments a JOIN live_rooms lr ON lr.round_id = a.round_id WHERE a.id = assignment)
        OR EXISTS (SELECT FROM assignments a
                   JOIN live_room_judges j ON j.round_id = a.round_id AND j.expert_id = a.expert_id
                   JOIN live_rooms lr ON lr.id = j.room_id
                   JOIN live_slots s ON s.id = lr.current_slot
                   WHERE a.id = assignment AND s.entry_id = a.entry_id AND lr.phase = 'scoring')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- assert_sheet_open (00006) learns the live stage: a live sheet is open only
-- while scoring is open for its entry in its judge's room.
CREATE OR REPLACE FUNCTION assert_sheet_open(assignment bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM assignments a JOIN rounds r ON r.id = a.round_id
                   WHERE a.id = assignment AND a.state = 'active' AND r.state = 'open')
       OR NOT live_scoring_open(assignment) THEN
        RAISE EXCEPTION 'assignment % is no longer open for scoring', assignment USING ERRCODE = 'PD002';
    END IF;
    RETURN true;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION assert_sheet_open(assignment bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM assignments a JOIN rounds r ON r.id = a.round_id
                   WHERE a.id = assignment AND a.state = 'active' AND r.state = 'open') THEN
        RAISE EXCEPTION 'assignment % is no longer open for scoring', assignment USING ERRCODE = 'PD002';
    END IF;
    RETURN true;
END;
$$;
-- +goose StatementEnd
DROP FUNCTION live_scoring_open(bigint);
ALTER TABLE live_rooms DROP COLUMN current_slot;
DROP TABLE live_slots;
DROP TABLE live_room_judges;
DROP TABLE live_rooms;
ALTER TABLE rounds DROP COLUMN names_public, DROP COLUMN qa_seconds, DROP COLUMN pitch_seconds;
