package assign

import "context"

// maxFlow pushes as much flow as possible from s to t (Dinic: BFS levels, then
// blocking flow by DFS along level-increasing arcs) and returns its value.
// On this graph (unit arcs, short paths) it needs few phases.
func maxFlow(ctx context.Context, g *graph, s, t int32) (int64, error) {
	n := g.numNodes()
	level := make([]int32, n)
	iter := make([]int32, n)
	queue := make([]int32, 0, n)
	var total int64
	var dfs func(u int32, limit int32) int32
	dfs = func(u int32, limit int32) int32 {
		if u == t {
			return limit
		}
		for ; iter[u] < g.start[u+1]; iter[u]++ {
			a := iter[u]
			v := g.to[a]
			if g.cap[a] == 0 || level[v] != level[u]+1 {
				continue
			}
			if f := dfs(v, min(limit, g.cap[a])); f > 0 {
				g.cap[a] -= f
				g.cap[g.rev[a]] += f
				return f
			}
		}
		return 0
	}
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		for i := range level {
			level[i] = -1
		}
		level[s] = 0
		queue = append(queue[:0], s)
		for i := 0; i < len(queue); i++ {
			u := queue[i]
			for a := g.start[u]; a < g.start[u+1]; a++ {
				if v := g.to[a]; g.cap[a] > 0 && level[v] < 0 {
					level[v] = level[u] + 1
					queue = append(queue, v)
				}
			}
		}
		if level[t] < 0 {
			return total, nil
		}
		copy(iter, g.start[:n])
		for i := 1; ; i++ {
			f := dfs(s, 1<<30)
			if f == 0 {
				break
			}
			total += int64(f)
			if i%4096 == 0 && ctx.Err() != nil {
				return total, ctx.Err()
			}
		}
	}
}

// reachable marks the nodes reachable from s along arcs with residual capacity.
func reachable(g *graph, s int32) []bool {
	seen := make([]bool, g.numNodes())
	seen[s] = true
	stack := []int32{s}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if v := g.to[a]; g.cap[a] > 0 && !seen[v] {
				seen[v] = true
				stack = append(stack, v)
			}
		}
	}
	return seen
}
