package webapp

import "net/http"

// Stubs: replaced by the announcements implementation.
func (s *Server) listAnnouncements() http.Handler   { return notYet() }
func (s *Server) dismissAnnouncement() http.Handler { return notYet() }
