package apptest

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
)

// The places of the app's encrypted fields (docs/PROTOCOL.md, "Ciphertext
// bound to its place"), as static/app/places.js builds them: the Go test
// clients that write data as the browser does seal each field at its
// place (EncryptAt), or the pages would mark it as moved. Keep the two in
// step.

// PlaceHabitName is habit/<habit>/name (under the habit key).
func PlaceHabitName(habit string) string { return "habit/" + habit + "/name" }

// PlaceHabitDescription is habit/<habit>/description.
func PlaceHabitDescription(habit string) string { return "habit/" + habit + "/description" }

// PlaceHabitNote is habit/<habit>/checkin/<day>/note.
func PlaceHabitNote(habit, day string) string { return "habit/" + habit + "/checkin/" + day + "/note" }

// PlaceDisplayName and PlaceDeviceLabel are under the user key.
const (
	PlaceDisplayName = "user/display-name"
	PlaceDeviceLabel = "user/device-label"
)

func groupPlace(group string, v int64) string {
	return "group/" + group + "/v" + strconv.FormatInt(v, 10)
}

// PlaceGroupName is group/<group>/v<version>/name.
func PlaceGroupName(group string, v int64) string { return groupPlace(group, v) + "/name" }

// PlaceMemberLabel is group/<group>/v<version>/label (invitations and the
// members they became).
func PlaceMemberLabel(group string, v int64) string { return groupPlace(group, v) + "/label" }

// PlaceGoalTitle is group/<group>/v<version>/goal/<goal>/title.
func PlaceGoalTitle(group string, v int64, goal string) string {
	return groupPlace(group, v) + "/goal/" + goal + "/title"
}

// PlaceGoalNote is group/<group>/v<version>/goal/<goal>/checkin/<user>/<day>/note.
func PlaceGoalNote(group string, v int64, goal, user, day string) string {
	return groupPlace(group, v) + "/goal/" + goal + "/checkin/" + user + "/" + day + "/note"
}

// NewRowID is a client-chosen row id, as places.js newId makes it.
func NewRowID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// EncryptAt seals text under key's place key for place (base64), as the
// SDK's encryptText(key, text, place) does.
func EncryptAt(t testing.TB, text string, key []byte, place string) string {
	t.Helper()
	pk, err := sealkit.PlaceKey(key, place)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := sealkit.EncryptSecretbox([]byte(text), pk)
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(ct)
}

// DecryptAt opens a blob sealed at place.
func DecryptAt(ctB64 string, key []byte, place string) (string, error) {
	pk, err := sealkit.PlaceKey(key, place)
	if err != nil {
		return "", err
	}
	return Decrypt(ctB64, pk)
}
