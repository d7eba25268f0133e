package sheetfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"podium/scoring"
)

// The rubric JSON: {"criteria":[{"key":"tech","name":"技术与产品","max":30,"weight":30}, …]}.
// name_en and weight are optional (weight defaults to max). Numbers are read
// exactly as decimals with at most 2 decimals, never through float64.

// maxRubricSize bounds what ReadRubric reads; a rubric is a few kilobytes.
const maxRubricSize = 1 << 20

// ReadRubric reads and validates a rubric. Problems are *ParseError values
// naming the line of the offending criterion.
func ReadRubric(r io.Reader) (scoring.Rubric, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRubricSize+1))
	if err != nil {
		return scoring.Rubric{}, &ParseError{Line: 1, Err: err}
	}
	if len(data) > maxRubricSize {
		return scoring.Rubric{}, lineErr(1, ErrSyntax, "larger than %d bytes", maxRubricSize)
	}
	data = bytes.TrimPrefix(data, []byte(bom))
	p := rubricParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	rb, err := p.parse()
	if err != nil {
		return scoring.Rubric{}, err
	}
	if err := rb.Validate(); err != nil {
		return scoring.Rubric{}, &ParseError{Line: p.criteriaLine, Err: fmt.Errorf("%w: %w", ErrRubric, err)}
	}
	return rb, nil
}

type rubricParser struct {
	data         []byte
	dec          *json.Decoder
	criteriaLine int
}

// lineAt is the line of the first token at or after offset off.
func (p *rubricParser) lineAt(off int64) int {
	off = min(max(off, 0), int64(len(p.data)))
	for off < int64(len(p.data)) && bytes.IndexByte([]byte(" \t\r\n,:"), p.data[off]) >= 0 {
		off++
	}
	return 1 + bytes.Count(p.data[:off], []byte("\n"))
}

// syntaxErr places a decoder error at its line.
func (p *rubricParser) syntaxErr(err error) error {
	off := p.dec.InputOffset()
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off = se.Offset
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &ParseError{Line: p.lineAt(off), Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
}

func (p *rubricParser) expect(want json.Delim) error {
	off := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return p.syntaxErr(err)
	}
	if tok != want {
		return lineErr(p.lineAt(off), ErrSyntax, "expected %q", want.String())
	}
	return nil
}

func (p *rubricParser) parse() (scoring.Rubric, error) {
	var rb scoring.Rubric
	p.criteriaLine = 1
	if err := p.expect('{'); err != nil {
		return rb, err
	}
	seenCriteria := false
	for p.dec.More() {
		off := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if err != nil {
			return rb, p.syntaxErr(err)
		}
		if tok != "criteria" || seenCriteria {
			return rb, lineErr(p.lineAt(off), ErrRubric, "unexpected field %v (a rubric has one field, criteria)", tok)
		}
		seenCriteria = true
		p.criteriaLine = p.lineAt(off)
		if rb.Criteria, err = p.criteria(); err != nil {
			return rb, err
		}
	}
	if err := p.expect('}'); err != nil {
		return rb, err
	}
	if off := p.dec.InputOffset(); len(bytes.TrimSpace(p.data[off:])) > 0 {
		return rb, lineErr(p.lineAt(off), ErrSyntax, "unexpected data after the rubric")
	}
	return rb, nil
}

// criteria reads the criteria array one element at a time, to know each
// criterion's line.
func (p *rubricParser) criteria() ([]scoring.Criterion, error) {
	if err := p.expect('['); err != nil {
		return nil, err
	}
	var out []scoring.Criterion
	firstLine := map[string]int{}
	for p.dec.More() {
		line := p.lineAt(p.dec.InputOffset())
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return nil, p.syntaxErr(err)
		}
		var c scoring.Criterion
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&c); err != nil {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: criterion %d: %w", ErrRubric, len(out)+1, err)}
		}
		if err := c.Validate(); err != nil {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: criterion %d: %w", ErrRubric, len(out)+1, err)}
		}
		if first, dup := firstLine[c.Key]; dup {
			return nil, lineErr(line, ErrRubric, "criterion key %q is already used on line %d", c.Key, first)
		}
		firstLine[c.Key] = line
		out = append(out, c)
	}
	return out, p.expect(']')
}

// WriteRubric writes rb as indented JSON that ReadRubric reads back.
func WriteRubric(w io.Writer, rb scoring.Rubric) error {
	if err := rb.Validate(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rb)
}
