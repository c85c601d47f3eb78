package abbrev

import "testing"

func TestNeverEnds(t *testing.T) {
	for word, want := range map[string]bool{
		"Dr": true, "Sra": true, "Mme": true, "z": true, "EE.UU": true, "т.е": true, "S.A": true,
		"Mio": true, "dott": true, "Sig": true, "«Dr": true, "г": true,
		"Me": true, "me": false, "On": true, "on": false, "Art": true, "art": false,
		"ago": false, "set": false, "out": false, "said": false, "грн": false, "гг": false, "2015": false, "": false,
	} {
		if got := NeverEnds(word); got != want {
			t.Errorf("NeverEnds(%q) = %v, want %v", word, got, want)
		}
	}
}

func TestBangAndOrdinal(t *testing.T) {
	if !Bang("Yahoo") || !Bang("Jeopardy") || Bang("Stop") {
		t.Error("Bang")
	}
	if !Opener("The") || Opener("Japan") {
		t.Error("Opener")
	}
	for _, tc := range []struct {
		prev, number, next string
		want               bool
	}{
		{"am", "28", "November", true},
		{"zum", "5", "Mal", true},
		{"on", "5", "Officials", false},
		{"in", "2015", "Others", false},
		{"Jan.", "5", "Officials", false},
		{"bis", "3", "Januar", true},
	} {
		if got := Ordinal(tc.prev, tc.number, tc.next); got != tc.want {
			t.Errorf("Ordinal(%q, %q, %q) = %v", tc.prev, tc.number, tc.next, got)
		}
	}
}
