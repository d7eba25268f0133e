package eligibility

import "testing"

// English writes yuan as English readers count them: millions exactly from a
// million up, thousands separators below.
func TestYuanInEnglish(t *testing.T) {
	for yuan, want := range map[Yuan]string{
		16_710_000:    "¥16.71 million",
		5_000_000:     "¥5 million",
		200_000_001:   "¥200.000001 million",
		1_000_000:     "¥1 million",
		850_000:       "¥850,000",
		999:           "¥999",
		0:             "¥0",
		-1_234:        "-¥1,234",
		1_500_000_000: "¥1500 million",
	} {
		if got := yuan.English(); got != want {
			t.Errorf("%d yuan: %q, want %q", int64(yuan), got, want)
		}
	}
}
