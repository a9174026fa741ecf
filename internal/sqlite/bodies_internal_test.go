package sqlite

import (
	"context"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// TestPutCapturesLearnsWhetherBodiesAreStored writes batches of captures
// whose bodies are new, then already stored, then new again, as a first
// crawl and a recrawl do: whether PutCaptures asks the archive which
// bodies it holds before compressing them follows what the last batches
// found, and either way each write reports whether its body was new and
// the archive holds each body once.
func TestPutCapturesLearnsWhetherBodiesAreStored(t *testing.T) {
	ctx := context.Background()
	s, _ := openInternal(t)
	run := newRun(t, s)
	body := func(i int) []byte { return []byte("<html>page " + itoa(i) + "</html>") }
	n := 0
	for _, step := range []struct {
		name      string
		bodies    []int // which bodies the batch's captures carry
		wantNew   []bool
		askBefore bool // whether the batch asks which bodies are stored
		askAfter  bool
	}{
		{"first batch, all new", []int{0, 1, 2, 3}, []bool{true, true, true, true}, false, false},
		{"all stored, not asked", []int{0, 1, 2, 3, 0, 1}, []bool{false, false, false, false, false, false}, false, true},
		{"all stored, asked", []int{2, 3, 0, 1}, []bool{false, false, false, false}, true, true},
		{"new again, asked", []int{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, nil, true, false},
		{"a body twice in a batch", []int{30, 30, 31}, []bool{true, false, true}, false, false},
		{"new and stored, not asked", []int{40, 0, 41, 1, 42}, []bool{true, false, true, false, true}, false, false},
	} {
		if got := s.cache.expectStoredBodies(); got != step.askBefore {
			t.Errorf("%s: asks first = %v, want %v", step.name, got, step.askBefore)
		}
		writes := make([]archive.CaptureWrite, len(step.bodies))
		for i, b := range step.bodies {
			n++
			writes[i].Capture = testCapture(run, "https://portal.example/p"+itoa(n), body(b))
		}
		if err := s.PutCaptures(ctx, run, writes); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for i, w := range writes {
			want := true
			if step.wantNew != nil {
				want = step.wantNew[i]
			}
			if w.NewBody != want {
				t.Errorf("%s: write %d (body %d): new body %v, want %v", step.name, i, step.bodies[i], w.NewBody, want)
			}
			if got, err := s.Capture(ctx, w.ID, true); err != nil || string(got.Body) != string(body(step.bodies[i])) {
				t.Errorf("%s: capture %d reads back %q, %v", step.name, w.ID, got.Body, err)
			}
		}
		if got := s.cache.expectStoredBodies(); got != step.askAfter {
			t.Errorf("%s: then asks first = %v, want %v", step.name, got, step.askAfter)
		}
	}
	if _, bodies := counts(t, s); bodies != 29 {
		t.Errorf("%d bodies stored, want 29", bodies)
	}
}
