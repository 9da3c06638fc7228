// SPDX-License-Identifier: Apache-2.0

// golister prints what Go's archive/tar reads from a tar file, one JSON object per line, for tst_tarconformance to
// compare with LayerScope's TarReader. hcsshim, containerd and moby read Windows layers with archive/tar, so this is
// the reading the importer does. Standard library only; built at test time with Debian's golang-go.
//
//	golister FILE
//
// Each entry: {"name": hex, "type": typeflag byte, "size": n, "link": hex, "mode": n, "uid": n, "gid": n,
// "uname": hex, "gname": hex, "devmajor": n, "devminor": n, "mtime": "s.ns", "atime": "s.ns" or "",
// "ctime": "s.ns" or "", "pax": [[key hex, value hex], ...] sorted by key, "content": the digest of the content as
// Read returns it (sparse files expanded), "dataError": true when reading the content failed}. The content digest
// is SHA-256 over the content cut into 64 KiB windows, each all-zero window hashed as the single byte 'z' and any
// other as its bytes, then the total length: exact, yet the 60 GB holes of the sparse test files cost no hashing. Byte strings are hex so
// that names that are not UTF-8 compare exactly. The last line is {"end": "eof"} or {"end": "error",
// "error": text} for an error from Next.
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

type entry struct {
	Name      string     `json:"name"`
	Type      int        `json:"type"`
	Size      int64      `json:"size"`
	Link      string     `json:"link"`
	Mode      int64      `json:"mode"`
	Uid       int        `json:"uid"`
	Gid       int        `json:"gid"`
	Uname     string     `json:"uname"`
	Gname     string     `json:"gname"`
	DevMajor  int64      `json:"devmajor"`
	DevMinor  int64      `json:"devminor"`
	Mtime     string     `json:"mtime"`
	Atime     string     `json:"atime"`
	Ctime     string     `json:"ctime"`
	Pax       [][]string `json:"pax"`
	Content   string     `json:"content"`
	DataError bool       `json:"dataError"`
}

func hexOf(s string) string { return hex.EncodeToString([]byte(s)) }

// Seconds and nanoseconds since the epoch; "" for the zero time (a field the header does not have).
func timeOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
}

const window = 64 * 1024

var zeros = make([]byte, window)

func contentDigest(r io.Reader) (string, bool) {
	hash := sha256.New()
	buffer := make([]byte, window)
	var total int64
	for {
		// Fill a window; io.EOF is the end of the content, any other error a failure to read it.
		n := 0
		var err error
		for n < window && err == nil {
			var m int
			m, err = r.Read(buffer[n:])
			n += m
		}
		if n > 0 {
			if bytes.Equal(buffer[:n], zeros[:n]) {
				hash.Write([]byte{'z'})
			} else {
				hash.Write(buffer[:n])
			}
			total += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", true
		}
	}
	fmt.Fprintf(hash, "%d", total)
	return hex.EncodeToString(hash.Sum(nil)), false
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: golister FILE")
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer file.Close()
	out := json.NewEncoder(os.Stdout)
	reader := tar.NewReader(file)
	for {
		header, err := reader.Next()
		if err == io.EOF {
			out.Encode(map[string]string{"end": "eof"})
			return
		}
		if err != nil {
			out.Encode(map[string]string{"end": "error", "error": err.Error()})
			return
		}
		e := entry{
			Name: hexOf(header.Name), Type: int(header.Typeflag), Size: header.Size, Link: hexOf(header.Linkname),
			Mode: header.Mode, Uid: header.Uid, Gid: header.Gid, Uname: hexOf(header.Uname),
			Gname: hexOf(header.Gname), DevMajor: header.Devmajor, DevMinor: header.Devminor,
			Mtime: timeOf(header.ModTime), Atime: timeOf(header.AccessTime), Ctime: timeOf(header.ChangeTime),
			Pax: [][]string{},
		}
		keys := make([]string, 0, len(header.PAXRecords))
		for key := range header.PAXRecords {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			e.Pax = append(e.Pax, []string{hexOf(key), hexOf(header.PAXRecords[key])})
		}
		e.Content, e.DataError = contentDigest(reader)
		out.Encode(e)
		if e.DataError {
			// Go's reader errors are sticky: the next Next would return the same error.
			out.Encode(map[string]string{"end": "error", "error": "reading the content failed"})
			return
		}
	}
}
