package migrations

// Files are the embedded migrations, for tests that apply them one by one.
var Files = files
