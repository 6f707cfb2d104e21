package hybrid

import "crypto/rand"

var systemRandom = rand.Reader
