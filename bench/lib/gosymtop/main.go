// gosymtop: reads `perf script` output (callchains with raw addresses) for one Go binary and
// prints the flat (self) and cumulative top functions, symbolised from the binary's pclntab
// (the testbed's binaries are built with -s -w: no ELF symbol table, but pclntab stays).
package main

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gosymtop BINARY [N] < perf-script.txt")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	top := 40
	if len(os.Args) > 2 {
		top, _ = strconv.Atoi(os.Args[2])
	}
	pcln := f.Section(".gopclntab")
	data, err := pcln.Data()
	if err != nil {
		panic(err)
	}
	text := f.Section(".text")
	table, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		panic(err)
	}
	// perf prints an unsymbolised frame as its offset in the file; the text segment is mapped at
	// (vaddr - offset) of its LOAD header: 0x400000 for a non-PIE Go binary.
	base := uint64(0x400000)
	if b := os.Getenv("BASE"); b != "" {
		base, _ = strconv.ParseUint(strings.TrimPrefix(b, "0x"), 16, 64)
	}
	cache := map[uint64]string{}
	name := func(pc uint64) string {
		if n, ok := cache[pc]; ok {
			return n
		}
		n := "?"
		if fn := table.PCToFunc(pc); fn != nil {
			n = fn.Name
		} else {
			n = fmt.Sprintf("[%x]", pc)
		}
		cache[pc] = n
		return n
	}
	self := map[string]int{}
	cum := map[string]int{}
	total := 0
	var chain []string
	focus := os.Getenv("FOCUS")
	flush := func() {
		if len(chain) == 0 {
			return
		}
		if focus != "" {
			hit := false
			for _, n := range chain {
				if strings.Contains(n, focus) {
					hit = true
					break
				}
			}
			if !hit {
				total++
				chain = chain[:0]
				return
			}
		}
		total++
		self[chain[0]]++
		seen := map[string]bool{}
		for _, n := range chain {
			if !seen[n] {
				seen[n] = true
				cum[n]++
			}
		}
		chain = chain[:0]
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, " ") {
			flush()
			continue
		}
		fields := strings.Fields(line)
		pc, err := strconv.ParseUint(fields[0], 16, 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && strings.Contains(line, "kernel") {
			chain = append(chain, "[kernel] "+fields[1])
			continue
		}
		chain = append(chain, name(pc+base))
	}
	flush()
	print := func(title string, m map[string]int) {
		type kv struct {
			k string
			v int
		}
		var xs []kv
		for k, v := range m {
			xs = append(xs, kv{k, v})
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i].v > xs[j].v })
		fmt.Printf("%s (of %d samples)\n", title, total)
		for i, x := range xs {
			if i >= top {
				break
			}
			fmt.Printf("%6d %5.1f%%  %s\n", x.v, 100*float64(x.v)/float64(total), x.k)
		}
		fmt.Println()
	}
	print("flat", self)
	print("cumulative", cum)
}
