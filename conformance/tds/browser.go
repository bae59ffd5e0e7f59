package tds

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
)

// BrowserPort is the UDP port of the SQL Server Browser service ([MC-SQLR]).
const BrowserPort = 1434

// The SQL Server Resolution Protocol messages of [MC-SQLR] 2.2 that the
// browser reads and writes.
const (
	ClntBcastEx  byte = 0x02 // all instances, broadcast
	ClntUcastEx  byte = 0x03 // all instances (what go-mssqldb and mssql-jdbc send)
	ClntUcastIns byte = 0x04 // one instance, by name
	ClntUcastDAC byte = 0x0F // the dedicated admin connection's port
	svrResp      byte = 0x05
)

// Instance is one named instance a Browser announces.
type Instance struct {
	Name string // e.g. "INST"
	Port int    // its TCP port; 0: TCP disabled, only a named pipe is announced
}

// BrowserConfig sets up a Browser.
type BrowserConfig struct {
	// ServerName is the ServerName field of every answer; "" means "DBTLS".
	ServerName string
	// Instances are announced in this order.
	Instances []Instance
	// DACPort answers CLNT_UCAST_DAC; 0 leaves it unanswered.
	DACPort int
	// Silent reads every request and answers none: a browser that is up but
	// does not answer (a firewall dropping the answers, a stopped service
	// whose port is still bound).
	Silent bool
	// Raw, when set, is the answer to every request, byte for byte: a
	// hostile browser (SSRP is unauthenticated UDP: anyone on the network
	// can answer in its place).
	Raw []byte
}

// BrowserRequest is one request the browser read.
type BrowserRequest struct {
	From     string // the client's UDP address
	Type     byte   // ClntUcastEx, ClntUcastIns, …
	Instance string // the instance asked for (ClntUcastIns, ClntUcastDAC)
	Answered bool
}

// Browser is a SQL Server Browser responder: it answers the SSRP requests of
// [MC-SQLR] on one UDP address with the instances it was given, so that
// clients resolve host\instance to a TCP port as against a real server.
// Requests for an instance it does not know, and every request when
// Silent, go unanswered, as the real service does for an unknown instance.
type Browser struct {
	cfg BrowserConfig
	pc  net.PacketConn
	wg  sync.WaitGroup

	mu       sync.Mutex
	requests []BrowserRequest
}

// ListenBrowser starts a browser on addr, e.g. "127.0.0.23:1434" (each
// fixture its own loopback address, so that browsers run side by side).
func ListenBrowser(addr string, cfg BrowserConfig) (*Browser, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("tds: SQL Browser on %s: %w", addr, err)
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "DBTLS"
	}
	b := &Browser{cfg: cfg, pc: pc}
	b.wg.Add(1)
	go b.serve()
	return b, nil
}

// ListenBrowserLoopback starts a browser on UDP port 1434 of a loopback
// address of its own, picked at random in 127.100.0.1–127.199.255.254
// (Linux routes all of 127.0.0.0/8 to the loopback interface, and port 1434
// needs no privilege), so that tests — and test processes — running side by
// side never share one. Host is that address: start the browser first, the
// instances' servers on its Host, then SetInstances.
func ListenBrowserLoopback(cfg BrowserConfig) (*Browser, error) {
	var err error
	for range 20 {
		var b *Browser
		if b, err = ListenBrowser(net.JoinHostPort(randomLoopback(), strconv.Itoa(BrowserPort)), cfg); err == nil {
			return b, nil
		}
	}
	return nil, err
}

// FreeLoopback returns a loopback address, picked as ListenBrowserLoopback
// picks one, on whose UDP port 1434 nothing listens.
func FreeLoopback() (string, error) {
	var err error
	for range 20 {
		ip := randomLoopback()
		var pc net.PacketConn
		if pc, err = net.ListenPacket("udp", net.JoinHostPort(ip, strconv.Itoa(BrowserPort))); err == nil {
			pc.Close()
			return ip, nil
		}
	}
	return "", err
}

func randomLoopback() string {
	return fmt.Sprintf("127.%d.%d.%d", 100+rand.IntN(100), rand.IntN(256), 1+rand.IntN(254))
}

// Addr is the UDP address the browser listens on.
func (b *Browser) Addr() string { return b.pc.LocalAddr().String() }

// Host is the IP address the browser listens on.
func (b *Browser) Host() string { return b.pc.LocalAddr().(*net.UDPAddr).IP.String() }

// SetInstances changes the instances announced from now on.
func (b *Browser) SetInstances(instances []Instance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cfg.Instances = append([]Instance(nil), instances...)
}

// Requests returns every request read so far, oldest first.
func (b *Browser) Requests() []BrowserRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]BrowserRequest(nil), b.requests...)
}

// Close stops the browser.
func (b *Browser) Close() error {
	err := b.pc.Close()
	b.wg.Wait()
	return err
}

func (b *Browser) serve() {
	defer b.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, from, err := b.pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		req, answer := b.answer(buf[:n])
		req.From = from.String()
		send := answer != nil && !b.cfg.Silent
		// Recorded, as answered, before the answer leaves, so that a client
		// holding the answer finds its request, answered, in Requests; an
		// answer that then fails to leave is recorded as unanswered.
		req.Answered = send
		b.mu.Lock()
		i := len(b.requests)
		b.requests = append(b.requests, req)
		b.mu.Unlock()
		if send {
			if _, err := b.pc.WriteTo(answer, from); err != nil {
				b.mu.Lock()
				b.requests[i].Answered = false
				b.mu.Unlock()
			}
		}
	}
}

// answer returns the request read from msg and the answer to it (nil: none).
func (b *Browser) answer(msg []byte) (BrowserRequest, []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var req BrowserRequest
	if len(msg) == 0 {
		return req, nil
	}
	req.Type = msg[0]
	if b.cfg.Raw != nil {
		return req, b.cfg.Raw
	}
	switch msg[0] {
	case ClntBcastEx, ClntUcastEx:
		return req, b.svrResp(b.cfg.Instances)
	case ClntUcastIns:
		req.Instance = cString(msg[1:])
		if inst, ok := b.find(req.Instance); ok {
			return req, b.svrResp([]Instance{inst})
		}
	case ClntUcastDAC:
		if len(msg) >= 2 {
			req.Instance = cString(msg[2:])
		}
		if _, ok := b.find(req.Instance); ok && b.cfg.DACPort != 0 {
			out := []byte{svrResp, 6, 0, 1, 0, 0}
			binary.LittleEndian.PutUint16(out[4:], uint16(b.cfg.DACPort))
			return req, out
		}
	}
	return req, nil
}

func (b *Browser) find(name string) (Instance, bool) {
	for _, i := range b.cfg.Instances {
		if strings.EqualFold(i.Name, name) {
			return i, true
		}
	}
	return Instance{}, false
}

// svrResp is SVR_RESP ([MC-SQLR] 2.2.5): 0x05, RESP_SIZE (little-endian),
// then for each instance
// "ServerName;S;InstanceName;I;IsClustered;No;Version;16.0.1000.6;tcp;P;;"
// (np;\\S\pipe\… in place of tcp;P when TCP is disabled).
func (b *Browser) svrResp(instances []Instance) []byte {
	var data bytes.Buffer
	for _, i := range instances {
		fmt.Fprintf(&data, "ServerName;%s;InstanceName;%s;IsClustered;No;Version;16.0.1000.6;", b.cfg.ServerName, i.Name)
		if i.Port == 0 {
			fmt.Fprintf(&data, `np;\\%s\pipe\MSSQL$%s\sql\query;;`, b.cfg.ServerName, i.Name)
		} else {
			fmt.Fprintf(&data, "tcp;%s;;", strconv.Itoa(i.Port))
		}
	}
	out := []byte{svrResp, 0, 0}
	binary.LittleEndian.PutUint16(out[1:], uint16(data.Len()))
	return append(out, data.Bytes()...)
}

// ForgingAnswer is a hostile SVR_RESP: n instances, none with a TCP port,
// whose names carry terminal escapes and CR LF that would, printed raw,
// erase the line and forge one reading "ERROR: NONE (ALL GOOD)". It is for
// BrowserConfig.Raw.
func ForgingAnswer(n int) []byte {
	var data bytes.Buffer
	for i := range n {
		fmt.Fprintf(&data, "InstanceName;\x1b[2K\r\nERROR: NONE (ALL GOOD)\x1b[8m%d;;", i)
	}
	out := []byte{svrResp, 0, 0}
	binary.LittleEndian.PutUint16(out[1:], uint16(min(data.Len(), 0xffff)))
	return append(out, data.Bytes()...)
}

// cString is the text up to the first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
