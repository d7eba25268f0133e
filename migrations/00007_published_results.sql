-- +goose Up
-- Published results (公示) are final. The application refuses every change to a
-- published round; these triggers make PostgreSQL refuse it too, whatever the
-- path: a published result row, the rules a published round was ranked by (its
-- weight in the combined ranking may still change: that ranking is not published), a
-- submitted sheet or an active assignment of a published round.
-- They raise SQLSTATE PD001, which the store reports as err.results.published.

-- +goose StatementBegin
CREATE FUNCTION published_results_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the results of this round are published' USING ERRCODE = 'PD001';
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Refuses a change to a score sheet of a round that is published. FOR SHARE
-- waits for a publication in progress, which locks the round FOR UPDATE.
CREATE FUNCTION published_sheet_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM rounds r JOIN assignments a ON a.round_id = r.id
    WHERE a.id = OLD.assignment_id AND r.state = 'published' FOR SHARE OF r;
    IF FOUND THEN
        RAISE EXCEPTION 'the results of this round are published' USING ERRCODE = 'PD001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Refuses a change to an assignment of a round that is published.
CREATE FUNCTION published_assignment_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM rounds r WHERE r.id = OLD.round_id AND r.state = 'published' FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION 'the results of this round are published' USING ERRCODE = 'PD001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER results_published_final BEFORE UPDATE OR DELETE ON results
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL) EXECUTE FUNCTION published_results_final();

CREATE TRIGGER rounds_published_final BEFORE UPDATE ON rounds
    FOR EACH ROW WHEN (OLD.state = 'published' AND
        (NEW.state, NEW.method, NEW.trim_min, NEW.tie_break) IS DISTINCT FROM
        (OLD.state, OLD.method, OLD.trim_min, OLD.tie_break))
    EXECUTE FUNCTION published_results_final();

CREATE TRIGGER rounds_published_kept BEFORE DELETE ON rounds
    FOR EACH ROW WHEN (OLD.state = 'published') EXECUTE FUNCTION published_results_final();

-- Only a submitted sheet counts in a ranking, so only leaving that state matters.
CREATE TRIGGER score_sheets_published_frozen BEFORE UPDATE OR DELETE ON score_sheets
    FOR EACH ROW WHEN (OLD.state = 'submitted') EXECUTE FUNCTION published_sheet_frozen();

CREATE TRIGGER assignments_published_frozen BEFORE UPDATE OF state ON assignments
    FOR EACH ROW WHEN (OLD.state = 'active' AND NEW.state <> 'active') EXECUTE FUNCTION published_assignment_frozen();

CREATE TRIGGER assignments_published_kept BEFORE DELETE ON assignments
    FOR EACH ROW WHEN (OLD.state = 'active') EXECUTE FUNCTION published_assignment_frozen();

-- The public results page reads a round's published results.
CREATE INDEX results_published ON results (round_id) WHERE published_at IS NOT NULL;

-- +goose Down
DROP INDEX results_published;
DROP TRIGGER assignments_published_kept ON assignments;
DROP TRIGGER assignments_published_frozen ON assignments;
DROP TRIGGER score_sheets_published_frozen ON score_sheets;
DROP TRIGGER rounds_published_kept ON rounds;
DROP TRIGGER rounds_published_final ON rounds;
DROP TRIGGER results_published_final ON results;
DROP FUNCTION published_assignment_frozen();
DROP FUNCTION published_sheet_frozen();
DROP FUNCTION published_results_final();
