package config

import (
	"maps"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Variable is one setting as `herald config` shows it. The list comes from
// the Config struct's tags, so it cannot drift from what herald reads.
type Variable struct {
	Name    string
	Default string
	// Set is true when the variable, or NAME_FILE for a secret, is set.
	Set bool
	// Value is the value in effect, shown safely: empty for a secret, a
	// URL's password replaced by "xxxxx".
	Value  string
	Secret bool
	// File is the path in NAME_FILE when a secret is read from a file.
	File string
	// Unknown marks a HERALD_* variable herald does not read: start-up
	// stops on it.
	Unknown bool
	// Client marks the variables of the command-line client (herald post,
	// queue, pause, resume), which the daemon does not read.
	Client bool
}

// clientVariables are read by the command-line client; herald config lists
// them after the daemon's.
var clientVariables = []Variable{
	{Name: "HERALD_API_URL", Default: "http://127.0.0.1:8080", Client: true},
	{Name: "HERALD_API_TOKEN", Secret: true, Client: true},
}

// Variables lists every variable herald reads, in the order of the Config
// struct, then the client's, then any unknown HERALD_* variable set in
// environ (os.Environ() form).
func Variables(environ []string) []Variable {
	envs := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			envs[k] = v
		}
	}
	var out []Variable
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if name == "" || name == "-" {
			continue
		}
		def, ok := f.Tag.Lookup("envDefault")
		if !ok {
			def = zeroDefault(f.Type)
		}
		out = append(out, describe(Variable{Name: name, Default: def, Secret: f.Tag.Get("secret") == "true"}, envs))
	}
	// The credentials a destinations file names, after the daemon's own.
	known := knownVars()
	if path := strings.TrimSpace(envs[destinationsVar]); path != "" {
		prefixes, _ := destinationPrefixes(path)
		pv := prefixVars(prefixes)
		names := make([]string, 0, len(pv))
		for name := range pv {
			if _, own := known[name]; !own {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			out = append(out, describe(Variable{Name: name, Secret: pv[name].secret}, envs))
		}
		maps.Copy(known, pv)
	}
	for _, v := range clientVariables {
		out = append(out, describe(v, envs))
	}
	var unknown []string
	for k := range envs {
		if !strings.HasPrefix(k, "HERALD_") || clientVars[k] {
			continue
		}
		if _, ok := known[k]; ok {
			continue
		}
		if base, ok := strings.CutSuffix(k, "_FILE"); ok && known[base].secret {
			continue
		}
		unknown = append(unknown, k)
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		// The value is not shown: a mistyped secret name holds a secret.
		out = append(out, Variable{Name: k, Set: true, Unknown: true})
	}
	return out
}

func describe(v Variable, envs map[string]string) Variable {
	value, set := envs[v.Name]
	if v.Secret {
		if path := envs[v.Name+"_FILE"]; path != "" {
			v.File, set = path, true
		}
		v.Set = set && (value != "" || v.File != "")
		return v
	}
	v.Set = set
	if !set {
		value = v.Default
	}
	v.Value = safeValue(value)
	return v
}

// safeValue hides the password of a URL (a PostgreSQL URL, a proxy).
func safeValue(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// zeroDefault is what an unset variable of type t means, when its field has
// no envDefault: false, or 0; nothing for the rest.
func zeroDefault(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		if t == reflect.TypeFor[time.Duration]() {
			return "0s"
		}
		return "0"
	}
	return ""
}
