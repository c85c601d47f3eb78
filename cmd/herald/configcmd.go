package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/heraldhq/herald/internal/config"
)

// runConfigCommand prints every variable herald reads, its default, whether
// it is set and its value (never a secret's), then whether the whole is
// valid.
func runConfigCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if !noArguments("config", args, stderr) {
		return exitConfig
	}
	var daemon, client []config.Variable
	for _, v := range config.Variables(environ) {
		if v.Client {
			client = append(client, v)
		} else {
			daemon = append(daemon, v)
		}
	}
	printVariables(stdout, daemon)
	fmt.Fprintln(stdout, "\nRead by herald post, queue, pause and resume, not by the daemon:")
	printVariables(stdout, client)
	fmt.Fprintln(stdout)
	if _, err := config.Load(environ); err != nil {
		fmt.Fprintf(stdout, "The configuration is not valid: %v\n", err)
		return exitConfig
	}
	fmt.Fprintln(stdout, "The configuration is valid. (herald check also tries the database, X and the feeds.)")
	return exitOK
}

// printVariables prints a table of variables: name, default, whether it is
// set, value.
func printVariables(w io.Writer, vars []config.Variable) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tSET\tVALUE")
	for _, v := range vars {
		set, value := "no", v.Value
		switch {
		case v.Unknown:
			set, value = "yes", "unknown variable: herald stops at start; check the name"
		case v.Secret && v.File != "":
			set, value = "file", "secret, read from "+v.File
		case v.Secret && v.Set:
			set, value = "yes", "secret, hidden"
		case v.Secret:
			value = "secret; or set " + v.Name + "_FILE to a file holding it"
		case v.Set:
			set = "yes"
		}
		def := v.Default
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, def, set, value)
	}
	tw.Flush()
}
