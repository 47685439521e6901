package admin

import (
	"runtime"
	"sort"
	"sync"
)

// runJobs runs do for every job, one worker per cabinet folder at a time and
// up to GOMAXPROCS folders at once; jobs of one folder run in member order so
// the folder's decoder only moves forward. The first error stops the workers
// from starting new jobs and is returned.
func runJobs(jobs []copyJob, do func(copyJob) error) error {
	groups := map[any][]copyJob{}
	var order []any
	for _, j := range jobs {
		k := folderKey(j)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], j)
	}
	for _, g := range groups {
		sort.SliceStable(g, func(a, b int) bool {
			if g[a].Member == nil || g[b].Member == nil {
				return false
			}
			return g[a].Member.Offset < g[b].Member.Offset
		})
	}
	work := make(chan []copyJob)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return firstErr != nil }
	workers := min(runtime.GOMAXPROCS(0), len(order))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				for _, j := range g {
					if failed() {
						break
					}
					if err := do(j); err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						break
					}
				}
			}
		}()
	}
	for _, k := range order {
		if failed() {
			break
		}
		work <- groups[k]
	}
	close(work)
	wg.Wait()
	return firstErr
}
