package news

import (
	"errors"
	"fmt"
)

// The kinds of refusal. Stores return them wrapped (a missing row, an
// action the row's state forbids); the outbox turns them into an *Error an
// editor can read.
var (
	// ErrInvalid is a request that cannot be carried out as given: an
	// empty or over-long text, an unknown destination, a page that could
	// not be read.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound is a post, article or destination that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is an action the current state forbids (approving a
	// published post, posting an article twice to one destination).
	ErrConflict = errors.New("conflict")
)

// Error is a refusal in words an editor understands. Kind is one of
// ErrInvalid, ErrNotFound and ErrConflict, which each surface maps once: to
// an HTTP status in the API, a message on the dashboard, an exit code in
// the command line. Message is what the editor reads; Err, when set, is the
// cause, for the log.
type Error struct {
	Kind    error
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrConflict) true for a conflict, and so on.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }

// Invalid refuses a request as given.
func Invalid(format string, args ...any) *Error {
	return &Error{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// NotFound says that what a request names does not exist.
func NotFound(format string, args ...any) *Error {
	return &Error{Kind: ErrNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict refuses an action the current state forbids.
func Conflict(format string, args ...any) *Error {
	return &Error{Kind: ErrConflict, Message: fmt.Sprintf(format, args...)}
}

// Because records the cause of a refusal, for the log.
func (e *Error) Because(err error) *Error {
	e.Err = err
	return e
}

// Refusal returns the refusal in err, if there is one.
func Refusal(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e.Kind != nil {
		return e, true
	}
	return nil, false
}
