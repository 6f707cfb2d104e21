package webapp

import "net/http"

// Stubs: replaced by the habits implementation.

func (s *Server) listHabits() http.Handler    { return notYet() }
func (s *Server) createHabit() http.Handler   { return notYet() }
func (s *Server) getHabit() http.Handler      { return notYet() }
func (s *Server) updateHabit() http.Handler   { return notYet() }
func (s *Server) archiveHabit() http.Handler  { return notYet() }
func (s *Server) deleteHabit() http.Handler   { return notYet() }
func (s *Server) putCheckin() http.Handler    { return notYet() }
func (s *Server) deleteCheckin() http.Handler { return notYet() }
