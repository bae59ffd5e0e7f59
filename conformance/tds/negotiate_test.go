package tds

import "testing"

// TestNegotiateTable is [MS-TDS] 2.2.6.5's table, row by row, written out by
// hand (the ON and REQ server settings differ only in the byte answered).
func TestNegotiateTable(t *testing.T) {
	cases := []struct {
		client byte
		server Setting
		answer byte
		result Result
	}{
		{EncryptOff, Off, EncryptOff, LoginOnly},
		{EncryptOff, On, EncryptOn, Full},
		{EncryptOff, Req, EncryptReq, Full},
		{EncryptOff, NotSup, EncryptNotSup, NoEncryption},

		{EncryptOn, Off, EncryptOn, Full},
		{EncryptOn, On, EncryptOn, Full},
		{EncryptOn, Req, EncryptReq, Full},
		{EncryptOn, NotSup, EncryptNotSup, Terminate},

		{EncryptNotSup, Off, EncryptNotSup, NoEncryption},
		{EncryptNotSup, On, EncryptOn, Terminate},
		{EncryptNotSup, Req, EncryptReq, Terminate},
		{EncryptNotSup, NotSup, EncryptNotSup, NoEncryption},

		// A client that says REQ is treated as ON.
		{EncryptReq, Off, EncryptOn, Full},
		{EncryptReq, NotSup, EncryptNotSup, Terminate},

		// The client-certificate bit does not change the answer.
		{EncryptOn | 0x80, Off, EncryptOn, Full},
		{EncryptOff | 0x80, Off, EncryptOff, LoginOnly},

		// Unknown values are terminated.
		{0x04, Off, EncryptNotSup, Terminate},
		{0x7F, On, EncryptNotSup, Terminate},
	}
	for _, c := range cases {
		answer, result := Negotiate(c.client, c.server)
		if answer != c.answer || result != c.result {
			t.Errorf("client %s, server %s: got %s %s, want %s %s", EncryptName(c.client), c.server,
				EncryptName(answer), result, EncryptName(c.answer), c.result)
		}
	}
}

func TestParseSettings(t *testing.T) {
	for in, want := range map[string]Setting{"off": Off, "ON": On, "Req": Req, "notsup": NotSup, "NOT_SUP": NotSup} {
		got, err := ParseSetting(in)
		if err != nil || got != want {
			t.Errorf("ParseSetting(%q) = %v, %v; want %v", in, got, err, want)
		}
		if again, _ := ParseSetting(got.String()); again != got {
			t.Errorf("ParseSetting(%v.String()) = %v", got, again)
		}
	}
	for in, want := range map[string]Strict{"no": StrictNo, "ALSO": StrictAlso, "only": StrictOnly} {
		got, err := ParseStrict(in)
		if err != nil || got != want {
			t.Errorf("ParseStrict(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yes", "true", "strict"} {
		if _, err := ParseSetting(bad); err == nil {
			t.Errorf("ParseSetting(%q) succeeded", bad)
		}
		if _, err := ParseStrict(bad); err == nil {
			t.Errorf("ParseStrict(%q) succeeded", bad)
		}
	}
}

func TestEncryptName(t *testing.T) {
	cases := map[byte]string{
		0x00: "ENCRYPT_OFF", 0x01: "ENCRYPT_ON", 0x02: "ENCRYPT_NOT_SUP", 0x03: "ENCRYPT_REQ",
		0x81: "ENCRYPT_ON|ENCRYPT_CLIENT_CERT", 0x09: "0x09",
	}
	for b, want := range cases {
		if got := EncryptName(b); got != want {
			t.Errorf("EncryptName(0x%02x) = %q, want %q", b, got, want)
		}
	}
}
