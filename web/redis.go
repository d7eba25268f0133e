package web

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisWatch is a go-redis hook that logs each Redis outage once: "redis
// unavailable" when a command first fails for want of Redis (down, frozen,
// unreachable), and "redis available again", with the outage's length and
// the commands that failed meanwhile, when one goes through again. Redis
// refusing a command (an error reply) is Redis answering; a command whose
// caller gave up (a cancelled request) says nothing either way. Whatever uses
// the client — the login limiter now, the live board later — is covered.
type redisWatch struct {
	log *slog.Logger

	mu        sync.Mutex
	downSince time.Time // zero while Redis answers
	failed    int       // commands failed during this outage
}

func (w *redisWatch) DialHook(next redis.DialHook) redis.DialHook { return next }

func (w *redisWatch) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		w.observe(ctx, err)
		return err
	}
}

func (w *redisWatch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		w.observe(ctx, err)
		return err
	}
}

func (w *redisWatch) observe(ctx context.Context, err error) {
	var reply redis.Error
	answered := err == nil || errors.As(err, &reply) // redis.Nil is a reply too
	if !answered && errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return // the caller went away
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case !answered && w.downSince.IsZero():
		w.downSince, w.failed = time.Now(), 1
		w.log.WarnContext(ctx, "redis unavailable", slog.Any("err", err))
	case !answered:
		w.failed++
	case !w.downSince.IsZero():
		w.log.InfoContext(ctx, "redis available again",
			slog.Duration("down_for", time.Since(w.downSince).Round(time.Millisecond)), slog.Int("failed_commands", w.failed))
		w.downSince, w.failed = time.Time{}, 0
	}
}
