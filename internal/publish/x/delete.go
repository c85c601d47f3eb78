package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/heraldhq/herald/internal/news"
)

// Delete deletes the post remoteID from the account: DELETE /2/tweets/:id
// signed like a post (or v1.1's statuses/destroy). A post X no longer has
// (404) is not an error: it is gone, which is what was asked. Failures are
// *news.PublishError, classified as for Publish.
func (p *Publisher) Delete(ctx context.Context, remoteID string) error {
	id, err := strconv.ParseUint(remoteID, 10, 64)
	if err != nil || id == 0 {
		return p.failure(news.Rejected, 0, fmt.Sprintf("%q is not the id of a post on X", remoteID), nil)
	}
	if p.api == APIv11 {
		return p.deleteV11(ctx, int64(id))
	}
	resp, data, err := p.do(ctx, http.MethodDelete, "/2/tweets/"+remoteID, nil)
	if err != nil {
		return err
	}
	p.observe(resp.Header)
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil
	case resp.StatusCode/100 != 2:
		return p.classify(answerOf(resp, data))
	}
	var answer struct {
		Data struct {
			Deleted bool `json:"deleted"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &answer); err != nil || !answer.Data.Deleted {
		return p.failure(news.Transient, resp.StatusCode,
			fmt.Sprintf("X answered %d but did not say the post was deleted", resp.StatusCode), err)
	}
	return nil
}

// deleteV11 deletes through go-twitter's statuses/destroy.
func (p *Publisher) deleteV11(ctx context.Context, id int64) error {
	client, rt, cancel := p.v11Client(ctx)
	defer cancel()
	_, resp, err := client.Statuses.Destroy(id, nil)
	if resp == nil {
		return p.unreachable(orNoAnswer(err))
	}
	p.observe(resp.Header)
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil
	case resp.StatusCode/100 != 2:
		return p.classify(rt.answer(resp, err))
	}
	return nil
}
