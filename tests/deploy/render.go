// render.go: renders a Helm chart's templates with Go's text/template,
// the engine Helm uses, and the few Helm functions the etrace chart
// calls (quote, toJson, default). Helm is not in Debian; this stands in
// for `helm template` in the test (tests/deploy/deploy.sh).
//   go run render.go CHART_DIR RELEASE NAMESPACE VALUES.json CHART.json
// VALUES.json: the values, merged already; CHART.json: Chart.yaml as
// JSON. Prints the documents, each after "---" and "# Source: FILE".
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

func readJSON(path string) map[string]interface{} {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var m map[string]interface{}
	if err := json.Unmarshal(b, &m); err != nil {
		fmt.Fprintln(os.Stderr, path+":", err)
		os.Exit(1)
	}
	return m
}

var funcs = template.FuncMap{
	// Helm's quote: each argument as a Go-quoted string
	"quote": func(args ...interface{}) string {
		out := make([]string, 0, len(args))
		for _, a := range args {
			if a == nil {
				continue
			}
			out = append(out, fmt.Sprintf("%q", fmt.Sprint(a)))
		}
		return strings.Join(out, " ")
	},
	"toJson": func(v interface{}) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"default": func(d interface{}, v ...interface{}) interface{} {
		if len(v) == 0 || v[0] == nil || v[0] == "" || v[0] == false {
			return d
		}
		return v[0]
	},
}

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: render CHART RELEASE NAMESPACE VALUES.json CHART.json")
		os.Exit(2)
	}
	dir := os.Args[1]
	chart := readJSON(os.Args[5])
	data := map[string]interface{}{
		"Values": readJSON(os.Args[4]),
		"Release": map[string]interface{}{
			"Name": os.Args[2], "Namespace": os.Args[3],
			"Service": "Helm",
		},
		"Chart": map[string]interface{}{
			"Name": chart["name"], "Version": chart["version"],
			"AppVersion": chart["appVersion"],
		},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "templates", "*.yaml"))
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "render: no templates in", dir)
		os.Exit(1)
	}
	for _, f := range files {
		t, err := template.New(filepath.Base(f)).Funcs(funcs).
			Option("missingkey=error").ParseFiles(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("---\n# Source: %s/templates/%s\n", chart["name"],
			filepath.Base(f))
		if err := t.Execute(os.Stdout, data); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
