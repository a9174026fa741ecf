package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// env is what every command gets from the process: its streams and its
// clock. Tests build their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
}

// globalFlags are accepted by every command (before the command name).
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "db", Value: "snapshots/archive.db", Usage: "the SQLite archive `FILE`", EnvVars: []string{"ARCHIVER_DB"}},
		&cli.StringFlag{Name: "config", Usage: "optional YAML configuration `FILE`; keys are flag names, top level or under a command's name", EnvVars: []string{"ARCHIVER_CONFIG"}},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format: text or json", EnvVars: []string{"ARCHIVER_LOG_FORMAT"}},
	}
}

// newApp builds the application on the process's streams and the real
// clock.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return newAppEnv(&env{stdin: stdin, stdout: stdout, stderr: stderr, now: func() time.Time { return time.Now().UTC() }})
}

// newAppEnv builds the application on e.
func newAppEnv(e *env) *cli.App {
	stdin, stdout, stderr := e.stdin, e.stdout, e.stderr
	app := &cli.App{
		Name:    "archiver",
		Usage:   "archive government and news portals, read their articles' structure, check them for compliance",
		Version: version,
		Description: `archiver crawls a portal politely into a byte-exact SQLite archive, extracts every
article's headline, dates, dateline, source, author, photo credits and navigation, and
checks the archive against rule packs (editorial, links, archive gaps). It writes CI
formats (SARIF, JUnit, GitHub, GitLab) and a self-contained HTML report for auditors.

Every flag can also be set with an ARCHIVER_* environment variable (shown with each
flag) or in the --config YAML file, under its own name at the top level or under the
command's name. The command line wins over the environment, which wins over the file.

EXIT CODES
   0  success; no findings at or above --fail-on
   1  findings at or above --fail-on
   2  usage, configuration, rule or storage error
   3  an interrupted or incomplete crawl (run it again to resume)`,
		Flags:                globalFlags(),
		EnableBashCompletion: true,
		Suggest:              true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		// cli.Exit would call os.Exit inside Run and skip deferred cleanup;
		// main maps errors to exit codes instead.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			completionCommand(e),
			demoCommand(e),
			extractCommand(e),
			crawlCommand(e),
			runsCommand(e),
			showCommand(e),
			reportCommand(e),
			historyCommand(e),
			diffCommand(e),
			checkCommand(e),
			rulesCommand(e),
		},
	}
	for _, c := range app.Commands {
		addConfigBefore(c)
	}
	return app
}

// addConfigBefore makes a command (and its subcommands) read unset flags
// from the configuration file before it runs.
func addConfigBefore(c *cli.Command) {
	prev := c.Before
	c.Before = func(ctx *cli.Context) error {
		if err := applyConfig(ctx); err != nil {
			return err
		}
		if prev != nil {
			return prev(ctx)
		}
		return nil
	}
	for _, sub := range c.Subcommands {
		addConfigBefore(sub)
	}
}

// applyConfig sets every flag of the running command that was given neither
// on the command line nor in the environment from the --config file: first
// the key under the command's name, then the top-level key.
func applyConfig(ctx *cli.Context) error {
	path := ctx.String("config")
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return usageErrorf("config: %v", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return usageErrorf("config %s: %v", path, err)
	}
	section, _ := doc[ctx.Command.Name].(map[string]any)
	for _, f := range ctx.Command.Flags {
		names := f.Names()
		if len(names) == 0 || ctx.IsSet(names[0]) {
			continue
		}
		v, ok := section[names[0]]
		if !ok {
			v, ok = doc[names[0]]
		}
		if !ok {
			continue
		}
		values := []any{v}
		if list, isList := v.([]any); isList {
			values = list
		}
		for _, item := range values {
			if err := ctx.Set(names[0], fmt.Sprint(item)); err != nil {
				return usageErrorf("config %s: key %q: %v", path, names[0], err)
			}
		}
	}
	// Global flags under the top level (db, log-format) apply too.
	for _, name := range []string{"db", "log-format"} {
		if v, ok := doc[name]; ok && !ctx.IsSet(name) {
			if err := ctx.Set(name, fmt.Sprint(v)); err != nil {
				return usageErrorf("config %s: key %q: %v", path, name, err)
			}
		}
	}
	return nil
}

// completionCommand prints shell completion scripts.
func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: `Load it in your shell, for example:
   source <(archiver completion bash)`,
		Action: func(c *cli.Context) error {
			shell := c.Args().First()
			switch shell {
			case "bash":
				_, err := io.WriteString(e.stdout, strings.ReplaceAll(bashCompletion, "PROG", c.App.Name))
				return err
			case "zsh":
				_, err := io.WriteString(e.stdout, strings.ReplaceAll(zshCompletion, "PROG", c.App.Name))
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = io.WriteString(e.stdout, s)
				return err
			}
			return usageErrorf("completion: want bash, zsh or fish, got %q", shell)
		},
	}
}

const bashCompletion = `# bash completion for PROG
_PROG_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -o nospace -F _PROG_complete PROG
`

const zshCompletion = `#compdef PROG
_PROG() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _PROG PROG
`
