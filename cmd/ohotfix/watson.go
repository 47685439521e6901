package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/watson"
)

// watsonCommand is `ohotfix watson list|show|send|purge|serve`: the queue
// of failure reports on this machine, and the collector that receives
// them. Exit codes: bad usage or an unknown report id InvalidCommandLine
// (1639); reports left undelivered by send, or a collector that cannot
// start, Fatal (1603).
func watsonCommand() *cli.Command {
	queueFlag := &cli.StringFlag{Name: "queue", Usage: "the report queue `DIR` (default <temp>/OHotfix/Watson)"}
	return &cli.Command{
		Name:  "watson",
		Usage: "Setup Watson failure reports: the local queue, sending it, and a collector",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "list the queued reports (id, bucket, destination)",
				Flags:  []cli.Flag{queueFlag, &cli.BoolFlag{Name: "json", Usage: "print a JSON array"}},
				Action: watsonList,
			},
			{
				Name:      "show",
				Usage:     "show a queued report: its bucket parameters and attachments",
				ArgsUsage: "ID",
				Flags:     []cli.Flag{queueFlag, &cli.StringFlag{Name: "member", Usage: "print the attachment `NAME` (e.g. ohotfix.log)"}},
				Action:    watsonShow,
			},
			{
				Name:  "send",
				Usage: "upload the queued reports to their collector; a report leaves the queue once stored",
				Flags: []cli.Flag{queueFlag,
					&cli.StringFlag{Name: "url", Usage: "send to the collector at `URL` (and remember it) instead of each report's own destination"},
					&cli.DurationFlag{Name: "timeout", Value: 10 * time.Second, Usage: "give up (reports stay queued) after `DURATION`"}},
				Action: watsonSend,
			},
			{
				Name:   "purge",
				Usage:  "delete every queued report",
				Flags:  []cli.Flag{queueFlag},
				Action: watsonPurge,
			},
			{
				Name:  "serve",
				Usage: "run a collector: POST /reports stores reports in DIR/<bucket>/<id>.cab; GET / shows the buckets",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen on `HOST:PORT` (port 0: any free port, printed)"},
					&cli.StringFlag{Name: "dir", Required: true, Usage: "store reports under `DIR`"},
					&cli.Int64Flag{Name: "max-body", Value: watson.DefaultMaxBody, Usage: "refuse reports larger than `BYTES`"},
					&cli.IntFlag{Name: "max-reports", Value: watson.DefaultMaxReports, Usage: "store at most `N` reports"},
				},
				Action: watsonServe,
			},
		},
	}
}

func watsonQueue(c *cli.Context) *watson.Queue { return &watson.Queue{Dir: c.String("queue")} }

// checkCollectorURL refuses a collector URL (flag's value) that is not
// http:// or https://.
func checkCollectorURL(flag, url string) error {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return exitcode.New(exitcode.InvalidCommandLine, "%s %q: want http://HOST[:PORT] or https://…", flag, url)
	}
	return nil
}

func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "unexpected arguments: %v", c.Args().Slice())
	}
	return nil
}

func watsonList(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	entries, err := watsonQueue(c).List()
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	if c.Bool("json") {
		type row struct {
			ID          string `json:"id"`
			Bucket      string `json:"bucket"`
			Destination string `json:"destination"`
		}
		rows := make([]row, 0, len(entries))
		for _, e := range entries {
			rows = append(rows, row{e.ID, e.Bucket, e.Destination})
		}
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(entries) == 0 {
		fmt.Fprintln(c.App.Writer, "no reports queued")
		return nil
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBUCKET\tDESTINATION\tFAILED AT")
	for _, e := range entries {
		dest := e.Destination
		if dest == "" {
			dest = "(none: send --url URL)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.ID, e.Bucket, dest, e.Created.Format(time.RFC3339))
	}
	return tw.Flush()
}

func watsonShow(c *cli.Context) error {
	if c.NArg() != 1 {
		return exitcode.New(exitcode.InvalidCommandLine, "watson show needs one report ID (see watson list)")
	}
	q := watsonQueue(c)
	e, err := q.Get(c.Args().First())
	if err != nil {
		return exitcode.Wrap(exitcode.InvalidCommandLine, err)
	}
	data, err := q.Cabinet(e.ID)
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	rep, m, contents, err := watson.Parse(data)
	if err != nil {
		return exitcode.New(exitcode.PackageInvalid, "queued report %s: %v", e.ID, err)
	}
	w := c.App.Writer
	if name := c.String("member"); name != "" {
		b, ok := contents[name]
		if !ok {
			return exitcode.New(exitcode.InvalidCommandLine, "report %s has no member %q (it has %s)", e.ID, name, strings.Join(rep.Members, ", "))
		}
		_, err := w.Write(b)
		return err
	}
	dest := e.Destination
	if dest == "" {
		dest = "(none)"
	}
	fmt.Fprintf(w, "id:          %s\nbucket:      %s\ndestination: %s\nfailed at:   %s\nevent type:  %s\n",
		rep.ID, rep.Bucket, dest, m.Get("Created"), rep.EventType)
	for i, v := range rep.Params {
		fmt.Fprintf(w, "P%-2d %-17s %s\n", i+1, watson.ParamNames[i], v)
	}
	fmt.Fprintln(w, "attachments:")
	for _, n := range rep.Members {
		fmt.Fprintf(w, "  %-14s %8d bytes\n", n, len(contents[n]))
	}
	return nil
}

func watsonSend(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	url := c.String("url")
	if url != "" {
		if err := checkCollectorURL("--url", url); err != nil {
			return err
		}
	}
	q := watsonQueue(c)
	res, err := q.Send(context.Background(), watson.SendOptions{URL: url, Budget: c.Duration("timeout")})
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	w := c.App.Writer
	for _, id := range res.Sent {
		fmt.Fprintf(w, "sent %s\n", id)
	}
	for _, id := range res.Skipped {
		fmt.Fprintf(w, "kept %s: it has no destination (give --url URL)\n", id)
	}
	for id, err := range res.Failed {
		fmt.Fprintf(w, "kept %s: %v\n", id, err)
	}
	if left := len(res.Failed) + len(res.Skipped); left > 0 {
		return exitcode.New(exitcode.Fatal, "%d report(s) still queued in %s", left, q.Dir)
	}
	if len(res.Sent) == 0 {
		fmt.Fprintln(w, "no reports queued")
	}
	return nil
}

func watsonPurge(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	n, err := watsonQueue(c).Purge()
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	fmt.Fprintf(c.App.Writer, "deleted %d queued report(s)\n", n)
	return nil
}

func watsonServe(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	col, err := watson.NewCollector(c.String("dir"))
	if err != nil {
		return exitcode.New(exitcode.Fatal, "collector folder %s: %v", c.String("dir"), err)
	}
	col.MaxBody, col.MaxReports = c.Int64("max-body"), c.Int("max-reports")
	col.Log = log.New(c.App.ErrWriter, "watson: ", log.LstdFlags)
	ln, err := net.Listen("tcp", c.String("addr"))
	if err != nil {
		return exitcode.New(exitcode.Fatal, "cannot listen on %s: %v", c.String("addr"), err)
	}
	srv := &http.Server{Handler: col, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(c.App.Writer, "collector listening on http://%s (reports in %s)\n", ln.Addr(), c.String("dir"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	return nil
}
