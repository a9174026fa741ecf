// Command archiver archives the pages of government and news portals, reads
// the structure of every article and checks the archive against editorial
// and technical rules. See README.md for usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes, documented in the README and in --help.
const (
	exitOK         = 0 // success, or no findings at or above --fail-on
	exitFindings   = 1 // findings at or above --fail-on
	exitError      = 2 // usage, configuration, rule or storage error
	exitIncomplete = 3 // an interrupted or incomplete crawl (resumable)
)

// codeError carries the exit code an error should end the process with.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// withCode wraps err so that main exits with code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codeError{code: code, err: err}
}

// usageErrorf reports a usage error (exit 2).
func usageErrorf(format string, args ...any) error {
	return withCode(exitError, fmt.Errorf(format, args...))
}

// exitCodeOf maps an error returned by a command to the process exit code.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	if errors.Is(err, context.Canceled) {
		return exitIncomplete
	}
	return exitError
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	code := exitCodeOf(err)
	var ce *codeError
	// A findings exit (1) has already been reported by the command itself.
	if err != nil && !(errors.As(err, &ce) && ce.code == exitFindings && ce.err == errFindings) {
		fmt.Fprintf(os.Stderr, "archiver: %v\n", err)
	}
	os.Exit(code)
}

// errFindings is returned by check when findings reach --fail-on; the
// findings themselves are the message.
var errFindings = errors.New("findings at or above the --fail-on severity")

// run builds the application and runs it with args; it never calls os.Exit.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := newApp(stdin, stdout, stderr)
	return app.RunContext(ctx, args)
}
