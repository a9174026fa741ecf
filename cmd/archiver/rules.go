package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links"
)

// rulesCommand lists, explains and tests the rule packs.
func rulesCommand(e *env) *cli.Command {
	dirs := &cli.StringSliceFlag{Name: "rules", Usage: "also load the rule packs in `DIR` (repeatable)", EnvVars: []string{"ARCHIVER_RULES"}}
	noDefault := &cli.BoolFlag{Name: "no-default-rules", Usage: "load only the --rules packs", EnvVars: []string{"ARCHIVER_NO_DEFAULT_RULES"}}
	load := func(c *cli.Context) (*check.Engine, *check.RuleSet, error) {
		overrides, _, err := checkOverrides(c.String("config"))
		if err != nil {
			return nil, nil, withCode(exitError, err)
		}
		eng, set, err := loadCheckRules(c.Context, nil, c.StringSlice("rules"), c.Bool("no-default-rules"), overrides, e.now, links.Options{})
		if err != nil {
			return nil, nil, withCode(exitError, err)
		}
		return eng, set, nil
	}
	return &cli.Command{
		Name:  "rules",
		Usage: "list, explain and test the rule packs",
		Description: `The rules are YAML files, one per rule, in packs: the default editorial, links and
archive packs, and every --rules DIR. The --config file's "check: overrides:" apply
here as in check.`,
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the rules: id, severity, kind, title",
				Flags: []cli.Flag{dirs, noDefault,
					&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json", EnvVars: []string{"ARCHIVER_RULES_FORMAT"}}},
				Action: func(c *cli.Context) error {
					_, set, err := load(c)
					if err != nil {
						return err
					}
					switch c.String("format") {
					case "json":
						type item struct {
							ID       string   `json:"id"`
							Severity string   `json:"severity"`
							Kind     string   `json:"kind"`
							Title    string   `json:"title"`
							Tags     []string `json:"tags,omitempty"`
							HelpURL  string   `json:"help_url,omitempty"`
							File     string   `json:"file"`
						}
						var out []item
						for _, r := range set.Rules() {
							out = append(out, item{r.ID, string(r.Severity), r.Kind, r.Title, r.Tags, r.HelpURL, r.File})
						}
						enc := json.NewEncoder(e.stdout)
						enc.SetIndent("", "  ")
						return enc.Encode(out)
					case "text":
						tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
						fmt.Fprintln(tw, "ID\tSEVERITY\tKIND\tTITLE")
						for _, r := range set.Rules() {
							fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Kind, r.Title)
						}
						return tw.Flush()
					}
					return usageErrorf("rules list: --format: want text or json, got %q", c.String("format"))
				},
			},
			{
				Name:      "explain",
				Usage:     "explain a rule: why, how to fix, an example, its kind and parameters",
				ArgsUsage: "ID",
				Flags:     []cli.Flag{dirs, noDefault},
				Action: func(c *cli.Context) error {
					if c.Args().Len() != 1 {
						return usageErrorf("rules explain: give one rule ID")
					}
					eng, set, err := load(c)
					if err != nil {
						return err
					}
					r := set.Rule(c.Args().First())
					if r == nil {
						return usageErrorf("rules explain: no rule %q (see archiver rules list)", c.Args().First())
					}
					explainRule(e.stdout, eng, r)
					return nil
				},
			},
			{
				Name:  "test",
				Usage: "run every rule on its good and bad HTML fixtures, through the real extractor",
				Description: `Fixtures sit next to their rule: NAME.good*.html must give no finding, NAME.bad*.html
at least one. Exit 1 if a fixture fails.`,
				Flags: []cli.Flag{dirs, noDefault,
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also list the fixtures that pass, with their findings", EnvVars: []string{"ARCHIVER_VERBOSE"}}},
				Action: func(c *cli.Context) error {
					eng, set, err := load(c)
					if err != nil {
						return err
					}
					x := extract.New(extract.Options{})
					results := eng.TestFixtures(c.Context, set, x.Capture)
					failed := 0
					for _, r := range results {
						want := "good"
						if r.WantBad {
							want = "bad"
						}
						switch {
						case r.Err != nil:
							failed++
							fmt.Fprintf(e.stdout, "FAIL %s %s: %v\n", r.RuleID, r.File, r.Err)
						case !r.Pass:
							failed++
							fmt.Fprintf(e.stdout, "FAIL %s %s: a %s fixture gave %d finding(s)\n", r.RuleID, r.File, want, len(r.Findings))
							for _, f := range r.Findings {
								fmt.Fprintf(e.stdout, "     %s: %s\n", f.URL, f.Message)
							}
						case c.Bool("verbose"):
							fmt.Fprintf(e.stdout, "ok   %s %s (%s, %d finding(s))\n", r.RuleID, r.File, want, len(r.Findings))
							for _, f := range r.Findings {
								fmt.Fprintf(e.stdout, "     %s\n", f.Message)
							}
						}
					}
					without := set.RulesWithoutFixtures()
					fmt.Fprintf(e.stdout, "%d fixture(s) of %d rule(s): %d passed, %d failed; %d rule(s) without a good and a bad fixture\n",
						len(results), len(set.Rules()), len(results)-failed, failed, len(without))
					if failed > 0 {
						return withCode(exitFindings, fmt.Errorf("rules test: %d fixture(s) failed", failed))
					}
					return nil
				},
			},
		},
	}
}

// explainRule prints what `rules explain` shows.
func explainRule(w io.Writer, eng *check.Engine, r *check.Rule) {
	fmt.Fprintf(w, "%s — %s\n\n", r.ID, r.Title)
	fmt.Fprintf(w, "severity: %s", r.Severity)
	if r.Severity != r.DefaultSeverity {
		fmt.Fprintf(w, " (overridden; the rule file says %s)", r.DefaultSeverity)
	}
	fmt.Fprintf(w, "\nkind:     %s\n", r.Kind)
	if len(r.Tags) > 0 {
		fmt.Fprintf(w, "tags:     %s\n", strings.Join(r.Tags, ", "))
	}
	fmt.Fprintf(w, "file:     %s\n", r.File)
	if r.HelpURL != "" {
		fmt.Fprintf(w, "help:     %s\n", r.HelpURL)
	}
	var scope []string
	if len(r.Scope.Kinds) > 0 {
		var ks []string
		for _, k := range r.Scope.Kinds {
			ks = append(ks, string(k))
		}
		scope = append(scope, "pages: "+strings.Join(ks, ", "))
	}
	if len(r.Scope.Languages) > 0 {
		scope = append(scope, "languages: "+strings.Join(r.Scope.Languages, ", "))
	}
	if len(r.Scope.Include) > 0 {
		scope = append(scope, "include: "+strings.Join(r.Scope.Include, " "))
	}
	if len(r.Scope.Exclude) > 0 {
		scope = append(scope, "exclude: "+strings.Join(r.Scope.Exclude, " "))
	}
	if len(scope) > 0 {
		fmt.Fprintf(w, "scope:    %s\n", strings.Join(scope, "; "))
	}
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	section("Why", r.Help)
	section("How to fix", r.Fix)
	section("Example", r.Example)
	if r.Kind == check.KindExpr {
		cond := "assert: " + r.Assert
		if r.When != "" {
			cond = "when:   " + r.When + "\n" + cond
		}
		if r.EvidenceExpr != "" {
			cond += "\nevidence: " + r.EvidenceExpr
		}
		section("Condition (expr)", cond)
	} else if k, ok := eng.Kind(r.Kind); ok {
		text := k.Summary
		if len(k.Params) > 0 {
			text += "\nparameters:\n  " + strings.Join(k.Params, "\n  ")
		}
		section("Kind "+k.Name, text)
	}
	if n := len(r.Fixtures.Good) + len(r.Fixtures.Bad); n > 0 {
		section("Fixtures", strings.Join(append(append([]string{}, r.Fixtures.Good...), r.Fixtures.Bad...), "\n"))
	}
}
