package extract

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"U.S.-led", "The U.S.-led coalition trained the fighters. Then they left.",
			[]string{"The U.S.-led coalition trained the fighters.", "Then they left."}},
		{"Dr. and Jan.", "Dr. Smith arrived on Jan. 5 in Erbil. He spoke.",
			[]string{"Dr. Smith arrived on Jan. 5 in Erbil.", "He spoke."}},
		{"fixture SDF", "The Syrian Democratic Forces (SDF) said on Thursday that 2,000 new recruits had finished training ahead of the Raqqa campaign. The U.S.-led coalition trained the fighters near Ain Issa.",
			[]string{"The Syrian Democratic Forces (SDF) said on Thursday that 2,000 new recruits had finished training ahead of the Raqqa campaign.", "The U.S.-led coalition trained the fighters near Ain Issa."}},
		{"decimal and abbreviations", "Mr. Barzani met Gen. Votel at 5 p.m. on Monday. Turnout was 3.5 percent.",
			[]string{"Mr. Barzani met Gen. Votel at 5 p.m. on Monday.", "Turnout was 3.5 percent."}},
		{"year before a capital", "Thousands fled in 2015. Others stayed behind.",
			[]string{"Thousands fled in 2015.", "Others stayed behind."}},
		{"date before a capital", "The talks began on Jan. 5. Officials said little.",
			[]string{"The talks began on Jan. 5.", "Officials said little."}},
		{"vs. is not an end", "The final pitted Erbil vs. Duhok on Sunday. Erbil won.",
			[]string{"The final pitted Erbil vs. Duhok on Sunday.", "Erbil won."}},
		{"question and exclamation", "Will the schools stay open? Nobody knows! We wait.",
			[]string{"Will the schools stay open?", "Nobody knows!", "We wait."}},
		{"quotes", `"We will return," he said. "Soon."`,
			[]string{`"We will return," he said.`, `"Soon."`}},
		{"no end", "Ten schools reopen in Kobani", []string{"Ten schools reopen in Kobani"}},
		{"empty", "", nil},
		{"Chinese", "国家统计局发布数据。经济运行总体平稳！增长会持续吗？",
			[]string{"国家统计局发布数据。", "经济运行总体平稳！", "增长会持续吗？"}},
		{"Chinese closing quote", "他说：“学校已经开学。”随后离开。",
			[]string{"他说：“学校已经开学。”", "随后离开。"}},
		{"Arabic", "أعادت المديرية فتح عشرين مدرسة. هل تكفي المدارس؟ قال المسؤول إنها لا تكفي.",
			[]string{"أعادت المديرية فتح عشرين مدرسة.", "هل تكفي المدارس؟", "قال المسؤول إنها لا تكفي."}},
		{"Urdu", "اسکول کھل گئے۔ بچے واپس آ گئے۔",
			[]string{"اسکول کھل گئے۔", "بچے واپس آ گئے۔"}},
		{"Hindi", "स्कूल फिर से खुल गए। बच्चे लौट आए।",
			[]string{"स्कूल फिर से खुल गए।", "बच्चे लौट आए।"}},
		{"mixed scripts", "The council said: 学校开学了。 Pupils returned.",
			[]string{"The council said: 学校开学了。", "Pupils returned."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
