package webapp

// The invitation job: what invite() leaves for after its answer. Whether
// the invited address has an account is looked up here, in the
// background, so that the request path does the same work for any
// address (docs/PROTOCOL.md §7.1). The job's arguments are the invitation
// id and nothing else: no address, no blind index.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/sealkit/sealkit/internal/store"
)

type invitationArgs struct {
	InvitationID string `json:"invitation_id"`
}

func (invitationArgs) Kind() string { return "group_invitation" }

// enqueueInvitation queues the job of a stored invitation inside the
// transaction that stored it.
func (s *Server) enqueueInvitation(ctx context.Context, tx *sql.Tx, invitationID string) error {
	if _, err := s.river.InsertTx(ctx, tx, invitationArgs{InvitationID: invitationID}, &river.InsertOpts{MaxAttempts: 5}); err != nil {
		return fmt.Errorf("webapp: queue invitation: %w", err)
	}
	return nil
}

type invitationWorker struct {
	river.WorkerDefaults[invitationArgs]
	s *Server
}

// Work pushes "invited" to the invitee's open pages, if the address has an
// account and the invitation is still outstanding (not declined, expired
// or withdrawn); otherwise it does nothing. The push names the group and
// the invitee only, and goes to the invitee alone.
func (w *invitationWorker) Work(ctx context.Context, job *river.Job[invitationArgs]) error {
	if !validID(job.Args.InvitationID) {
		return river.JobCancel(fmt.Errorf("invitation job %d: malformed arguments", job.ID))
	}
	gid, uid, err := w.s.store.InvitationInvitee(ctx, job.Args.InvitationID, w.s.nowUnix())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	w.s.hub.Tell(ctx, uid, gid, "invited")
	return nil
}

// deleteExpiredInvitations is the cleanup job's share for invitations
// (store.InvitationLifetime). A failure is logged; the next run, ten
// minutes later, deletes what this one left.
func (s *Server) deleteExpiredInvitations(ctx context.Context) {
	n, err := s.store.DeleteExpiredInvitations(ctx, s.cfg.Now())
	if err != nil {
		s.log.Warn("deleting expired invitations failed; the next cleanup retries", "err", err)
		return
	}
	s.log.Info("cleanup: expired invitations", "rows", n)
}
