// Package configs holds the default and example configuration shipped in the
// binary: the topic taxonomy, the segmentation dictionary, the gazetteer,
// departments and routes. The files are data; this file only embeds them.
package configs

import "embed"

// Files are the defaults used when the configuration leaves a file unset.
//
//go:embed taxonomy.yaml dictionary.txt places.yaml departments.yaml routes.yaml calendar.yaml negativity.yaml severity.yaml
var Files embed.FS
