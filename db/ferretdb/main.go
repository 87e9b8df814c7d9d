// Command aiki-ferretdb serves the MongoDB wire protocol on loopback with FerretDB v1 embedded,
// so that tests and the embedded default run against a real wire-protocol server where no mongod
// binary can be installed. See docs/DATABASE.md.
//
// It prints one JSON line {"uri": "..."} on stdout once it accepts connections, and exits when
// it receives SIGINT/SIGTERM or when its standard input closes (its parent died), so that a
// crashed test run never leaves a server behind.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (loopback only)")
	dir := flag.String("sqlite-dir", "", "directory for the SQLite backend's files (one file per database)")
	pgURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "exit when standard input closes")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	pprofAddr := flag.String("pprof", "", "serve Go's /debug/pprof/ on this loopback address (diagnosis)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Logger: logger}
	switch {
	case *pgURL != "":
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", *pgURL
	case *dir != "":
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			fail("cannot create -sqlite-dir: %v", err)
		}
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+*dir+"/"
	default:
		fail("one of -sqlite-dir or -postgresql-url is required")
	}

	if *pprofAddr != "" {
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if *dir != "" {
		go idIndexer(ctx, *dir, 200*time.Millisecond, logger)
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// MongoDBURI blocks until the listener is bound, so the line below means "ready".
	line, _ := json.Marshal(map[string]string{"uri": f.MongoDBURI()})
	fmt.Println(string(line))

	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "aiki-ferretdb: "+format+"\n", args...)
	os.Exit(2)
}
