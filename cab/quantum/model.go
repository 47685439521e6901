package quantum

// model is an adaptive frequency model of the Quantum arithmetic coder.
//
// sym[i] is the i-th symbol in the model's current order and cum[i] the sum
// of the frequencies of symbols i..entries-1, so cum[0] is the total and
// cum[entries] is always 0. Each decoded symbol adds 8 to its frequency; when
// the total passes 3800 the model is rescaled (see rescale).
type model struct {
	entries    int
	shiftsLeft int
	sym        [maxModelEntries + 1]uint16
	cum        [maxModelEntries + 1]uint16
}

const (
	maxModelEntries = 64
	rescaleTotal    = 3800
	freqStep        = 8
)

func (m *model) init(first, entries int) {
	m.entries = entries
	m.shiftsLeft = 4
	for i := 0; i <= entries; i++ {
		m.sym[i] = uint16(first + i)
		m.cum[i] = uint16(entries - i)
	}
}

// rescale halves the frequencies. Three times in four it only halves the
// cumulative counts (keeping them strictly decreasing); every fourth time it
// halves the individual frequencies and re-sorts the symbols by frequency,
// most frequent first, with the same exchange sort the encoder uses (its
// instability decides the order of equal frequencies, so it must match).
func (m *model) rescale() {
	n := m.entries
	m.shiftsLeft--
	if m.shiftsLeft > 0 {
		for i := n - 1; i >= 0; i-- {
			m.cum[i] >>= 1
			if m.cum[i] <= m.cum[i+1] {
				m.cum[i] = m.cum[i+1] + 1
			}
		}
		return
	}
	m.shiftsLeft = 50
	for i := 0; i < n; i++ {
		// cumulative -> frequency, rounded up so nothing drops to zero
		m.cum[i] = (m.cum[i] - m.cum[i+1] + 1) >> 1
	}
	for i := 0; i < n-1; i++ {
		for j := i + 1; j < n; j++ {
			if m.cum[i] < m.cum[j] {
				m.cum[i], m.cum[j] = m.cum[j], m.cum[i]
				m.sym[i], m.sym[j] = m.sym[j], m.sym[i]
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		m.cum[i] += m.cum[i+1]
	}
}
