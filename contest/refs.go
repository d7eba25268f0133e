package contest

// EntryRef names an entry for its organizers: its blind code in a round and its title.
type EntryRef struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// EntryRefs is a list of entries, as a message argument (fault.Error.Args);
// the web layer writes it in the reader's language.
type EntryRefs []EntryRef
