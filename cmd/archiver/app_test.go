package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// appRun runs the CLI in process and returns its output and exit code.
func appRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"archiver"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), exitCodeOf(err)
}

func TestExitCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"plain error", errors.New("disk on fire"), exitError},
		{"findings", withCode(exitFindings, errFindings), exitFindings},
		{"wrapped findings", fmt.Errorf("check: %w", withCode(exitFindings, errFindings)), exitFindings},
		{"incomplete", withCode(exitIncomplete, errors.New("interrupted")), exitIncomplete},
		{"cancelled", fmt.Errorf("crawl: %w", context.Canceled), exitIncomplete},
		{"usage", usageErrorf("bad flag"), exitError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCodeOf(tc.err); got != tc.want {
				t.Errorf("exitCodeOf(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

func TestWithCodeNil(t *testing.T) {
	if withCode(exitError, nil) != nil {
		t.Fatal("withCode(nil) must stay nil so that success is not turned into an error")
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := appRun(t, "--help")
	if code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, want := range []string{"EXIT CODES", "ARCHIVER_DB", "--config"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
	out, _, code = appRun(t, "--version")
	if code != exitOK || !strings.Contains(out, version) {
		t.Fatalf("--version: code %d, output %q", code, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	_, _, code := appRun(t, "no-such-command")
	if code != exitError {
		t.Fatalf("unknown command exit %d, want %d", code, exitError)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, _, code := appRun(t, "completion", shell)
		if code != exitOK || !strings.Contains(out, "archiver") {
			t.Errorf("completion %s: code %d, output %q", shell, code, out)
		}
	}
	if _, _, code := appRun(t, "completion", "tcsh"); code != exitError {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitError)
	}
}

// TestConfigPrecedence checks that the config file fills flags that were
// given neither on the command line nor in the environment, with a
// command's section winning over the top level.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "archiver.yaml")
	if err := os.WriteFile(cfg, []byte("db: from-file.db\nname: top\nprobe:\n  name: section\n  tags: [a, b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got struct {
		db, name string
		tags     []string
	}
	probe := &cli.Command{
		Name: "probe",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Value: "default", EnvVars: []string{"ARCHIVER_TEST_PROBE_NAME"}},
			&cli.StringSliceFlag{Name: "tags"},
		},
		Action: func(c *cli.Context) error {
			got.db, got.name, got.tags = c.String("db"), c.String("name"), c.StringSlice("tags")
			return nil
		},
	}
	runProbe := func(args ...string) {
		t.Helper()
		app := newApp(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		app.Commands = append(app.Commands, probe)
		addConfigBefore(probe)
		if err := app.RunContext(context.Background(), append([]string{"archiver", "--config", cfg}, args...)); err != nil {
			t.Fatal(err)
		}
	}

	runProbe("probe")
	if got.db != "from-file.db" || got.name != "section" || strings.Join(got.tags, ",") != "a,b" {
		t.Fatalf("from file: got %+v", got)
	}

	t.Setenv("ARCHIVER_TEST_PROBE_NAME", "from-env")
	runProbe("probe")
	if got.name != "from-env" {
		t.Fatalf("environment must win over the file: got %q", got.name)
	}

	runProbe("probe", "--name", "from-flag")
	if got.name != "from-flag" {
		t.Fatalf("the command line must win: got %q", got.name)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("db: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []string{bad, filepath.Join(dir, "missing.yaml")} {
		_, _, code := appRun(t, "--config", cfg, "completion", "bash")
		if code != exitError {
			t.Errorf("config %s: exit %d, want %d", filepath.Base(cfg), code, exitError)
		}
	}
}
