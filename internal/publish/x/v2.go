package x

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/heraldhq/herald/internal/news"
)

// publishV2 posts through POST /2/tweets. The JSON body is not covered by the
// OAuth signature (only form bodies are), so the signer signs the URL alone.
func (p *Publisher) publishV2(ctx context.Context, text string) (news.Published, error) {
	body, err := json.Marshal(struct {
		Text string `json:"text"`
	}{text})
	if err != nil {
		return news.Published{}, p.failure(news.Rejected, 0, "the post's text cannot be sent to X as JSON", err)
	}
	resp, data, err := p.do(ctx, http.MethodPost, "/2/tweets", body)
	if err != nil {
		return news.Published{}, err
	}
	p.observe(resp.Header)
	if resp.StatusCode/100 != 2 {
		return news.Published{}, p.classify(answerOf(resp, data))
	}
	var created struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &created); err != nil || created.Data.ID == "" {
		// Retrying is safe: if the post was made, X answers the retry as a
		// duplicate, which counts as published.
		return news.Published{}, p.failure(news.Transient, resp.StatusCode,
			fmt.Sprintf("X answered %d but the answer holds no post id", resp.StatusCode), err)
	}
	return news.Published{RemoteID: created.Data.ID, URL: p.postURL(ctx, created.Data.ID, "")}, nil
}

// verifyV2 asks GET /2/users/me who the credentials belong to.
func (p *Publisher) verifyV2(ctx context.Context) (string, error) {
	resp, data, err := p.do(ctx, http.MethodGet, "/2/users/me", nil)
	if err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		return "", p.classify(answerOf(resp, data))
	}
	var me struct {
		Data struct {
			Username string `json:"username"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &me); err != nil || me.Data.Username == "" {
		return "", p.failure(news.Transient, resp.StatusCode, "X's answer to users/me holds no username", err)
	}
	return me.Data.Username, nil
}

// do sends one signed v2 request and reads the answer. Its error is already
// classified: failing to reach X, or to read all of a success, is transient.
func (p *Publisher) do(ctx context.Context, method, path string, body []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.endpoint(path), rd)
	if err != nil {
		return nil, nil, p.failure(news.Permanent, 0, "cannot build a request to X from "+p.prefix()+"_API_URL", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, p.unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil && resp.StatusCode/100 == 2 {
		return nil, nil, p.failure(news.Transient, resp.StatusCode, "X's answer was cut off", err)
	}
	// An error answer cut short is still classified by its status.
	return resp, data, nil
}
