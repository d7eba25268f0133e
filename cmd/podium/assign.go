package main

import "io"

// runAssign is implemented by the assignment work (issue 4); placeholder until then.
func runAssign(args []string, stdout, stderr io.Writer) int {
	_, _ = io.WriteString(stderr, "podium assign: not implemented yet\n")
	return 2
}
