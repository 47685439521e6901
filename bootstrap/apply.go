package bootstrap

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// applySteps is the Apply phase: it takes the machine-wide install lock for
// the steps only, applies them in plan order through the backend and stops
// at the first failure. It returns the release of the lock (idempotent) so
// that the caller can free it before a restart question that may wait for a
// person; ok is false when the run must end with res's code.
func (p *Pipeline) applySteps(ctx context.Context, steps []installer.Step, res *Result) (unlock func(), ok bool) {
	release := func() {}
	if p.Lock != nil {
		r, err := p.Lock(ctx)
		if err != nil {
			res.finish(exitcode.Of(err), err.Error())
			return func() {}, false
		}
		release = r
	}
	traceApply("enter")
	unlock = sync.OnceFunc(func() { traceApply("leave"); release() })
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			res.finish(exitcode.UserCancelled, "cancelled before "+filepath.Base(s.File)+" was applied")
			return unlock, false
		}
		p.progress("applying %s to %s ...", filepath.Base(s.File), s.Product)
		start := time.Now()
		out := p.Backend.Apply(ctx, s, p.msiLog())
		p.log().Info("applied", zap.String("patch", s.File), zap.String("product", s.Product),
			zap.Int("code", int(out.Code)), zap.String("message", out.Message), zap.Duration("took", time.Since(start)))
		for _, w := range out.Warnings {
			p.log().Warn("warning", zap.String("patch", s.File), zap.String("product", s.Product), zap.String("warning", w))
			p.progress("warning: %s", w)
		}
		res.addStep(s, out)
		if out.Failed() {
			res.finish(out.Code, fmt.Sprintf("%s: %s", filepath.Base(s.File), out.Message))
			return unlock, false
		}
	}
	return unlock, true
}
