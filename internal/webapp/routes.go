package webapp

import "net/http"

// routes is every route of the app, in one place. Methods are part of the
// patterns, so a wrong method gets 405 from the mux.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Pages.
	mux.Handle("GET /{$}", s.page("home", "Encrypted habits and groups", nil))
	mux.Handle("GET /register", s.page("register", "Register", nil))
	mux.Handle("GET /login", s.page("login", "Log in", nil))
	mux.Handle("GET /recover", s.page("recover", "Recover your account", nil))
	mux.Handle("GET /register/finish", s.page("finish", "Choose your password", s.finishData))
	mux.Handle("GET /unlock", s.requirePage(s.page("unlock", "Unlock", s.unlockData)))
	mux.Handle("GET /profile", s.requirePage(s.page("profile", "Profile", nil)))
	mux.Handle("GET /settings", s.requirePage(s.page("settings", "Settings", nil)))
	mux.Handle("GET /settings/devices", s.requirePage(s.page("devices", "Devices and sessions", nil)))
	mux.Handle("GET /settings/delete", s.requirePage(s.page("deleteaccount", "Delete your account", nil)))
	mux.Handle("GET /habits", s.requirePage(s.page("habits", "Habits", nil)))
	mux.Handle("GET /habits/{id}", s.requirePage(s.page("habit", "Habit", nil)))
	mux.Handle("GET /groups", s.requirePage(s.page("groups", "Groups", nil)))
	mux.Handle("GET /groups/{id}", s.requirePage(s.page("group", "Group", nil)))
	mux.Handle("POST /logout", s.logout())
	if s.cfg.DevMailbox {
		mux.Handle("GET /dev/mailbox", s.page("mailbox", "Mailbox (development)", s.mailboxData))
	}

	// JSON API.
	mux.Handle("POST /api/auth/register", s.jsonBody(s.auth.Register()))
	mux.Handle("POST /api/auth/register/finish", s.jsonBody(s.auth.FinishSignup()))
	mux.Handle("POST /api/auth/salt", s.jsonBody(s.auth.Salt()))
	mux.Handle("POST /api/auth/login", s.jsonBody(s.auth.Login()))
	// The server's half of the key cache v2 (the SDK's keycache.js): for
	// the live session only (accounts.Handlers.CacheSecret checks it).
	mux.Handle("POST /api/auth/key-cache", s.jsonBody(s.auth.CacheSecret()))
	// Password change, recovery key, account recovery (PROTOCOL.md §3.3, §3.4).
	mux.Handle("POST /api/auth/password", s.requireAPI(kitUser(s.jsonBody(s.auth.ChangePassword()))))
	mux.Handle("PUT /api/auth/recovery", s.requireAPI(kitUser(s.jsonBody(s.auth.SetRecovery()))))
	mux.Handle("POST /api/auth/recover", s.jsonBody(s.auth.BeginRecovery()))
	mux.Handle("POST /api/auth/recover/finish", s.jsonBody(s.auth.FinishRecovery()))
	// The signed identity (PROTOCOL.md §10), password re-proved; the
	// contacts (pins, verified marks) under the user key, compare-and-swap.
	mux.Handle("PUT /api/me/identity", s.requireAPI(kitUser(s.jsonBody(s.auth.SetIdentity()))))
	mux.Handle("PUT /api/me/identity/bundle", s.requireAPI(kitUser(s.jsonBody(s.auth.PublishBundle()))))
	mux.Handle("PUT /api/me/contacts", s.requireAPI(s.jsonBodyUpTo(maxContacts*2, s.putContacts())))
	mux.Handle("GET /api/me", s.requireAPI(s.me()))
	mux.Handle("PUT /api/me/profile", s.requireAPI(s.jsonBody(s.putProfile())))
	mux.Handle("PUT /api/me/settings", s.requireAPI(s.jsonBody(s.putSettings())))
	mux.Handle("POST /api/csp-report", s.cspReport())
	// Devices and sessions; deleting the account (password re-proved).
	mux.Handle("GET /api/sessions", s.requireAPI(s.listSessions()))
	mux.Handle("PUT /api/sessions/current/device", s.requireAPI(s.jsonBody(s.putDevice())))
	mux.Handle("DELETE /api/sessions/{id}", s.requireAPI(s.endSession()))
	mux.Handle("POST /api/sessions/end-others", s.requireAPI(s.endOtherSessions()))
	mux.Handle("POST /api/me/delete", s.requireAPI(s.jsonBody(s.deleteAccount())))

	// Habits: one key per habit, sealed to its owner on user_habits.
	mux.Handle("GET /api/habits", s.requireAPI(s.listHabits()))
	mux.Handle("POST /api/habits", s.requireAPI(s.jsonBody(s.createHabit())))
	mux.Handle("GET /api/habits/{id}", s.requireAPI(s.getHabit()))
	mux.Handle("PUT /api/habits/{id}", s.requireAPI(s.jsonBody(s.updateHabit())))
	mux.Handle("PUT /api/habits/{id}/archived", s.requireAPI(s.jsonBody(s.archiveHabit())))
	mux.Handle("DELETE /api/habits/{id}", s.requireAPI(s.deleteHabit()))
	mux.Handle("GET /api/habits/{id}/checkins", s.requireAPI(s.listCheckins()))
	mux.Handle("PUT /api/habits/{id}/checkins/{day}", s.requireAPI(s.jsonBody(s.putCheckin())))
	mux.Handle("DELETE /api/habits/{id}/checkins/{day}", s.requireAPI(s.deleteCheckin()))

	// Groups: a versioned group key sealed to each member (group_keys).
	mux.Handle("GET /api/groups", s.requireAPI(s.listGroups()))
	mux.Handle("POST /api/groups", s.requireAPI(s.jsonBody(s.createGroup())))
	mux.Handle("GET /api/groups/{id}", s.requireAPI(s.groupRole(roleAny, s.getGroup())))
	mux.Handle("DELETE /api/groups/{id}", s.requireAPI(s.groupRole(roleOwner, s.deleteGroup())))
	mux.Handle("POST /api/groups/{id}/invitations", s.requireAPI(s.groupRole(roleAdmin, s.jsonBody(s.invite()))))
	mux.Handle("DELETE /api/groups/{id}/invitations/{inv}", s.requireAPI(s.groupRole(roleAdmin, s.cancelInvitation())))
	mux.Handle("PUT /api/groups/{id}/members/{user}/role", s.requireAPI(s.groupRole(roleOwner, s.jsonBody(s.setRole()))))
	mux.Handle("POST /api/groups/{id}/members/{user}/remove", s.requireAPI(s.groupRole(roleAdmin, s.jsonBodyUpTo(maxRotateBody, s.removeMember()))))
	mux.Handle("POST /api/groups/{id}/leave", s.requireAPI(s.groupRole(roleAny, s.leaveGroup())))
	mux.Handle("POST /api/groups/{id}/rotate", s.requireAPI(s.groupRole(roleAdmin, s.jsonBodyUpTo(maxRotateBody, s.rotateGroupKey()))))
	mux.Handle("PUT /api/groups/{id}/key-statement", s.requireAPI(s.groupRole(roleAdmin, s.jsonBody(s.addKeyStatement()))))
	mux.Handle("GET /api/groups/{id}/reencrypt", s.requireAPI(s.groupRole(roleAdmin, s.reencryptBatch())))
	mux.Handle("POST /api/groups/{id}/reencrypt", s.requireAPI(s.groupRole(roleAdmin, s.jsonBodyUpTo(maxReencryptBody, s.applyReencrypt()))))
	mux.Handle("POST /api/groups/{id}/goals", s.requireAPI(s.groupRole(roleKeyed, s.jsonBody(s.createGoal()))))
	mux.Handle("DELETE /api/groups/{id}/goals/{goal}", s.requireAPI(s.groupRole(roleKeyed, s.deleteGoal())))
	mux.Handle("PUT /api/groups/{id}/goals/{goal}/checkins/{day}", s.requireAPI(s.groupRole(roleKeyed, s.jsonBody(s.putGroupCheckin()))))
	mux.Handle("POST /api/invitations/{id}/accept", s.requireAPI(s.acceptInvitation()))
	mux.Handle("POST /api/invitations/{id}/decline", s.requireAPI(s.declineInvitation()))
	// Pushes (pending key requests, live updates) and key_distributed.
	mux.Handle("GET /api/ws", s.requireAPI(s.websocket()))

	// Announcements: sealed to each user by the operator (not zero-knowledge).
	mux.Handle("GET /api/announcements", s.requireAPI(s.listAnnouncements()))
	mux.Handle("DELETE /api/announcements/{id}", s.requireAPI(s.dismissAnnouncement()))

	// Assets.
	mux.Handle("GET /static/sdk/dist/{file}", s.sdkDist())
	mux.Handle("GET /static/sdk/{file}", s.sdkModule())
	mux.Handle("GET /static/v/{version}/{file...}", s.versionedStatic())
	mux.Handle("GET /static/", s.appStatic())
	mux.Handle("GET /healthz", healthz())
	mux.Handle("/", s.notFound(mux))

	return s.recoverPanics(s.logRequests(s.securityHeaders(s.crossOrigin(mux))))
}
