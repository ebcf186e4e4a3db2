// Command embedded-db runs FerretDB (MongoDB wire protocol on SQLite files) for the hub.
//
// It is started by the hub when MONGODB_URI is unset. It listens on loopback only, prints one line
// "READY <mongodb uri>" on stdout once it accepts connections, and stops when it receives SIGTERM or
// SIGINT or when its stdin closes (so it never outlives the hub that started it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 picks a free one)")
	dataDir := flag.String("data", "./data/db", "directory of the SQLite files")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF")
	gcPercent := flag.Int("gc-percent", 400, "Go GC target percentage (GOGC); the environment's GOGC wins when set")
	memLimitMB := flag.Int64("mem-limit-mb", 768, "soft memory limit in MiB that makes the GC work harder near it (GOMEMLIMIT); 0 for none")
	flag.Parse()

	// FerretDB turns every document into several short-lived trees (SQLite JSON → its own types →
	// BSON), so at Go's default GOGC=100 the collector takes about half of its CPU on a read-heavy
	// load: a grouped read of 20 tickets cost 15 ms of CPU at 100 and 7 ms at 400. A higher target
	// trades some memory for that; the soft limit keeps the heap bounded when memory is short.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(*gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && *memLimitMB > 0 {
		debug.SetMemoryLimit(*memLimitMB << 20)
	}

	if err := run(*port, *dataDir, *logLevel, *watchStdin); err != nil {
		fmt.Fprintln(os.Stderr, "embedded-db:", err)
		os.Exit(1)
	}
}

func run(port int, dataDir, logLevel string, watchStdin bool) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(abs, 0o700); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if watchStdin {
		// The hub holds our stdin open; EOF means the hub is gone, however it died.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: net.JoinHostPort("127.0.0.1", fmt.Sprint(port))},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		return err
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until the listener is bound, so this line means "ready".
	fmt.Printf("READY %s\n", f.MongoDBURI())

	return <-done
}
