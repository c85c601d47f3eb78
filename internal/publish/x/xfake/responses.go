package xfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Response is a scripted answer to a create-post call. The fake still sends
// its own rate-limit headers; Header overrides them and adds more.
type Response struct {
	Status int `json:"status"`
	// StatusV11 is the status sent to a v1.1 call when X answers v1.1 with
	// another one; 0 means Status.
	StatusV11 int         `json:"status_v11,omitempty"`
	Header    http.Header `json:"header,omitempty"`
	// Body is what X sends to a v2 call.
	Body string `json:"body"`
	// BodyV11 is what X sends to a v1.1 call; empty means Body.
	BodyV11 string `json:"body_v11,omitempty"`
}

// The words X uses in the answers herald acts on.
const (
	DuplicateDetail = "You are not allowed to create a Tweet with duplicate content."
	TooLongDetail   = "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text."
)

// Bodies exactly as X sends them.
const (
	unauthorizedV2  = `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`
	unauthorizedV11 = `{"errors":[{"code":32,"message":"Could not authenticate you."}]}`
	tooManyV2       = `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`
	tooManyV11      = `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`
	unavailableV2   = `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`
	unavailableV11  = `{"errors":[{"message":"Over capacity","code":130}]}`
	duplicateV11    = `{"errors":[{"code":187,"message":"Status is a duplicate."}]}`
	tooLongV11      = `{"errors":[{"code":186,"message":"Tweet needs to be a bit shorter."}]}`
	notFoundBody    = `{"errors":[{"message":"Sorry, that page does not exist","code":34}]}`
)

// accountID is the fake account's numeric id, as X shows it in answers.
const accountID = "1600000000000000000"

func problemJSON(title, detail string, status int) string {
	b, _ := json.Marshal(struct {
		Detail string `json:"detail"`
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
	}{detail, "about:blank", title, status})
	return string(b)
}

func v11Error(code int, message string) string {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"code": code, "message": message}}})
	return string(b)
}

func invalidRequest(message string) string {
	b, _ := json.Marshal(map[string]any{
		"errors": []map[string]any{{"parameters": map[string]any{}, "message": message}},
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   "https://api.twitter.com/2/problems/invalid-request",
	})
	return string(b)
}

// Unavailable is X over capacity: 503.
func Unavailable() Response {
	return Response{Status: http.StatusServiceUnavailable, Body: unavailableV2, BodyV11: unavailableV11}
}

// RateLimited is X's 429 for a used-up 15-minute window that resets at reset.
func RateLimited(reset time.Time) Response {
	return Response{
		Status: http.StatusTooManyRequests,
		Header: http.Header{
			"X-Rate-Limit-Remaining": {"0"},
			"X-Rate-Limit-Reset":     {strconv.FormatInt(reset.Unix(), 10)},
		},
		Body:    tooManyV2,
		BodyV11: tooManyV11,
	}
}

// DailyLimitReached is X's 429 when the account's 24-hour post limit is
// used up (resetting at dayReset) while the 15-minute window, resetting at
// windowReset, is not.
func DailyLimitReached(windowReset, dayReset time.Time) Response {
	return Response{
		Status: http.StatusTooManyRequests,
		Header: http.Header{
			"X-Rate-Limit-Reset":            {strconv.FormatInt(windowReset.Unix(), 10)},
			"X-User-Limit-24hour-Limit":     {"17"},
			"X-User-Limit-24hour-Remaining": {"0"},
			"X-User-Limit-24hour-Reset":     {strconv.FormatInt(dayReset.Unix(), 10)},
		},
		Body:    tooManyV2,
		BodyV11: tooManyV11,
	}
}

// Unauthorized is X's 401 for credentials it does not accept.
func Unauthorized() Response {
	return Response{Status: http.StatusUnauthorized, Body: unauthorizedV2, BodyV11: unauthorizedV11}
}

// PaymentRequired is X's 402 when the account has no credits left. X sends
// the same problem body on v1.1 paths.
func PaymentRequired() Response {
	b, _ := json.Marshal(struct {
		AccountID int64  `json:"account_id"`
		Title     string `json:"title"`
		Detail    string `json:"detail"`
		Type      string `json:"type"`
	}{1600000000000000000, "CreditsDepleted",
		"Your enrolled account [" + accountID + "] does not have any credits to fulfill this request.",
		"https://api.twitter.com/2/problems/credits"})
	return Response{Status: http.StatusPaymentRequired, Body: string(b)}
}

// Forbidden is X's 403 with the given detail, for example
// "Your client app is not configured with the appropriate oauth1 app
// permissions for this endpoint." Given DuplicateDetail it is the duplicate
// answer, on v1.1 too.
func Forbidden(detail string) Response {
	v11 := v11Error(200, detail)
	if detail == DuplicateDetail {
		v11 = duplicateV11
	}
	return Response{Status: http.StatusForbidden, Body: problemJSON("Forbidden", detail, http.StatusForbidden), BodyV11: v11}
}

// TooLong is X's answer to an over-long post: 400 on v2, 403 with code 186
// on v1.1.
func TooLong() Response {
	return Response{
		Status:    http.StatusBadRequest,
		StatusV11: http.StatusForbidden,
		Body:      problemJSON("Bad Request", TooLongDetail, http.StatusBadRequest),
		BodyV11:   tooLongV11,
	}
}

// ServerError is a bare 5xx (500, 502, 504…) with X's problem body.
func ServerError(status int) Response {
	title := http.StatusText(status)
	return Response{Status: status, Body: problemJSON(title, title, status), BodyV11: v11Error(131, "Internal error")}
}
