// A YAML oracle: reads length-prefixed YAML documents on stdin ("<bytes>\n"
// then the bytes) and writes, per document, one JSON line with what
// sigs.k8s.io/yaml (gopkg.in/yaml.v2 underneath: the API server, kubectl,
// Argo CD) makes of it: {"ok":true,"json":...} or {"ok":false,"error":"..."}.
// Built by test/support/go-yaml.ts with GO111MODULE=off against Debian's
// golang-k8s-sigs-yaml-dev and golang-gopkg-yaml.v2-dev.
package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

type result struct {
	Ok    bool            `json:"ok"`
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadString('\n')
		if err == io.EOF && line == "" {
			return
		}
		if err != nil {
			panic(err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil {
			panic(err)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(in, buf); err != nil {
			panic(err)
		}
		j, err := yaml.YAMLToJSONStrict(buf)
		if err != nil {
			err = enc.Encode(result{Error: err.Error()})
		} else {
			err = enc.Encode(result{Ok: true, JSON: j})
		}
		if err != nil {
			panic(err)
		}
	}
}
