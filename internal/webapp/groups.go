package webapp

import "net/http"

// notYet is a stub handler (scaffolding while routes are being built).
func notYet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotImplemented, "not implemented yet")
	})
}

type groupRoleNeed int

const (
	roleAny groupRoleNeed = iota
	roleKeyed
	roleAdmin
	roleOwner
)

func (s *Server) groupRole(need groupRoleNeed, next http.Handler) http.Handler { return notYet() }
func (s *Server) listGroups() http.Handler                                     { return notYet() }
func (s *Server) createGroup() http.Handler                                    { return notYet() }
func (s *Server) getGroup() http.Handler                                       { return notYet() }
func (s *Server) deleteGroup() http.Handler                                    { return notYet() }
func (s *Server) invite() http.Handler                                         { return notYet() }
func (s *Server) cancelInvitation() http.Handler                               { return notYet() }
func (s *Server) setRole() http.Handler                                        { return notYet() }
func (s *Server) removeMember() http.Handler                                   { return notYet() }
func (s *Server) leaveGroup() http.Handler                                     { return notYet() }
func (s *Server) rotateGroupKey() http.Handler                                 { return notYet() }
func (s *Server) reencryptBatch() http.Handler                                 { return notYet() }
func (s *Server) applyReencrypt() http.Handler                                 { return notYet() }
func (s *Server) createGoal() http.Handler                                     { return notYet() }
func (s *Server) deleteGoal() http.Handler                                     { return notYet() }
func (s *Server) putGroupCheckin() http.Handler                                { return notYet() }
func (s *Server) acceptInvitation() http.Handler                               { return notYet() }
func (s *Server) declineInvitation() http.Handler                              { return notYet() }
func (s *Server) websocket() http.Handler                                      { return notYet() }
