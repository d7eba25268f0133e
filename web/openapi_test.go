package web_test

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// The OpenAPI document and the route table must list the same JSON routes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	b, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
			if m, ok := op.(map[string]any); !ok || m["responses"] == nil {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}

	param := regexp.MustCompile(`:([a-z_]+)`)
	registered := map[string]bool{}
	for _, r := range newHarness(t).server.Routes() {
		// JSON routes, and websockets (GET, answered 101), which the document lists too.
		if strings.HasPrefix(r.Path, "/api/v1/") || strings.HasSuffix(r.Path, "/ws") {
			registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(registered)) {
		if !documented[k] {
			t.Errorf("route %s is missing from docs/openapi.yaml", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if !registered[k] {
			t.Errorf("docs/openapi.yaml lists %s, which is not a route", k)
		}
	}
	if len(registered) == 0 {
		t.Fatal("no /api/v1 routes found")
	}
}
