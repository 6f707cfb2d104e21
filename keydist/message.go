package keydist

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/sealkit/sealkit/fieldcheck"
)

// reasonSessionEnded is the event that closes a session's sockets on every
// instance (after logout); it carries the session's sessionTag.
const reasonSessionEnded = "session_ended"

// reasonKey is the reason announced after a copy was stored.
const reasonKey = "key"

// sessionTag names a session in a broadcast payload: a hash of the hash the
// app keeps, so the payload holds nothing that opens a session.
func sessionTag(sessionHash string) string {
	sum := sha256.Sum256([]byte("ws-session:" + sessionHash))
	return hex.EncodeToString(sum[:])
}

// event is what travels between instances: {"<kind>_id","reason"} for
// Changed, with "user_id" for Tell; {"reason":"session_ended","session"}
// for EndSession.
type event struct {
	resourceID, reason, userID, session string
}

// encode is ev's broadcast payload, empty fields left out.
func (ev event) encode(idField string) []byte {
	var fs []field
	if ev.resourceID != "" {
		fs = append(fs, field{idField, ev.resourceID})
	}
	fs = append(fs, field{"reason", ev.reason})
	if ev.userID != "" {
		fs = append(fs, field{"user_id", ev.userID})
	}
	if ev.session != "" {
		fs = append(fs, field{"session", ev.session})
	}
	return encode(fs...)
}

// decodeEvent reads a broadcast payload; other fields are ignored.
func decodeEvent(p []byte, idField string) (event, bool) {
	var m map[string]string
	if err := json.Unmarshal(p, &m); err != nil || m == nil || m["reason"] == "" {
		return event{}, false
	}
	ev := event{resourceID: m[idField], reason: m["reason"], userID: m["user_id"], session: m["session"]}
	if ev.reason == reasonSessionEnded && ev.session == "" {
		return event{}, false
	}
	return ev, true
}

// field is one member of a JSON object to the browser.
type field struct {
	name  string
	value any // a string, an int64 or []Pending
}

// encode writes an object with its members in order (the field names of
// the wire depend on Config.Resource, so no struct can carry them).
func encode(fs ...field) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.name)
		v, err := json.Marshal(f.value)
		if err != nil { // not for strings, integers and []Pending
			v = []byte("null")
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// reply is an "ack" or "error" to the browser; ref and text are left out
// when empty.
func reply(typ, ref, text string) []byte {
	fs := []field{{"type", typ}}
	if ref != "" {
		fs = append(fs, field{"ref", ref})
	}
	if text != "" {
		fs = append(fs, field{"error", text})
	}
	return encode(fs...)
}

// clientMsg is a message from the browser.
type clientMsg struct {
	Type, Ref, ResourceID, UserID, EncryptedKey string
	KeyVersion                                  int64
}

// parser checks browser messages; kind names the resource id field.
type parser struct {
	kind    string
	validID func(string) bool
}

// notObject is the problem of a message that is not one JSON object of the
// known fields with the right types.
const notObject = "not a JSON object of the expected fields"

// maxVersion is the largest key version accepted.
const maxVersion = 1 << 40

// parse checks a browser message: it returns the message, the decoded key
// of a key_distributed, or the problem to answer (naming the field, never
// the value). A message that is not an object of the known fields comes
// back empty (its ref unread). It is pure so that it can be fuzzed.
func (p parser) parse(data []byte) (m clientMsg, key []byte, problem string) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || dec.More() {
		return clientMsg{}, nil, notObject
	}
	idField := p.kind + "_id"
	for name, v := range raw {
		var err error
		switch name {
		case "type":
			err = json.Unmarshal(v, &m.Type)
		case "ref":
			err = json.Unmarshal(v, &m.Ref)
		case idField:
			err = json.Unmarshal(v, &m.ResourceID)
		case "user_id":
			err = json.Unmarshal(v, &m.UserID)
		case "key_version":
			err = json.Unmarshal(v, &m.KeyVersion)
		case "encrypted_key":
			err = json.Unmarshal(v, &m.EncryptedKey)
		default:
			return clientMsg{}, nil, notObject
		}
		if err != nil {
			return clientMsg{}, nil, notObject
		}
	}
	if len(m.Ref) > 64 {
		return clientMsg{}, nil, "ref: at most 64 characters"
	}
	if m.Type != "key_distributed" {
		return m, nil, "type: unknown message type"
	}
	var chk fieldcheck.Checker
	if !p.validID(m.ResourceID) {
		chk.Fail(idField, "not a %s id", p.kind)
	}
	if !p.validID(m.UserID) {
		chk.Fail("user_id", "not a user id")
	}
	if m.KeyVersion < 1 || m.KeyVersion > maxVersion {
		chk.Fail("key_version", "missing or out of range")
	}
	key = chk.SealedKey("encrypted_key", m.EncryptedKey)
	if err := chk.Err(); err != nil {
		return m, nil, err.Error()
	}
	return m, key, ""
}
