//! A small authoritative DNS server on loopback (UDP and TCP, one ephemeral port) serving a
//! zone the test builds, counting the queries it receives.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, PTR, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// How a name answers.
#[derive(Debug, Clone)]
enum Behaviour {
    Records(Vec<RData>),
    /// Never answer (the client must time out).
    Silent,
    /// Answer SERVFAIL.
    ServFail,
}

/// The records served, by lowercase fully qualified name.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    names: HashMap<String, Behaviour>,
    /// Any name containing one of these gets SERVFAIL.
    failing: Vec<String>,
    /// No question is ever answered.
    mute: bool,
    /// Every answer is sent this long after its question arrives.
    delay: Option<Duration>,
    /// Every answer carries another transaction ID than its question.
    wrong_id: bool,
    /// Every answer, over UDP and TCP alike, is an empty one with the truncated bit set.
    always_truncated: bool,
}

/// Lowercase, with a trailing dot.
pub fn fqdn(name: &str) -> String {
    let mut n = name.trim().to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

fn name(n: &str) -> Name {
    Name::from_ascii(fqdn(n)).unwrap_or_else(|e| panic!("bad test name {n}: {e}"))
}

impl Zone {
    fn add(&mut self, owner: &str, rdata: RData) -> &mut Self {
        let entry = self
            .names
            .entry(fqdn(owner))
            .or_insert_with(|| Behaviour::Records(Vec::new()));
        if let Behaviour::Records(list) = entry {
            list.push(rdata);
        }
        self
    }

    /// A TXT record; long text is split into 255-byte strings as DNS requires.
    pub fn txt(&mut self, owner: &str, text: &str) -> &mut Self {
        self.add(owner, txt_rdata(text))
    }

    pub fn a(&mut self, owner: &str, ip: Ipv4Addr) -> &mut Self {
        self.add(owner, RData::A(A(ip)))
    }

    pub fn aaaa(&mut self, owner: &str, ip: Ipv6Addr) -> &mut Self {
        self.add(owner, RData::AAAA(AAAA(ip)))
    }

    pub fn mx(&mut self, owner: &str, preference: u16, exchange: &str) -> &mut Self {
        self.add(owner, RData::MX(MX::new(preference, name(exchange))))
    }

    pub fn ptr(&mut self, ip: IpAddr, target: &str) -> &mut Self {
        let owner = reverse_name(ip);
        self.add(&owner, RData::PTR(PTR(name(target))))
    }
}

/// The in-addr.arpa / ip6.arpa name of an address.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut labels: Vec<String> = Vec::new();
            for byte in v6.octets().iter().rev() {
                labels.push(format!("{:x}", byte & 0x0f));
                labels.push(format!("{:x}", byte >> 4));
            }
            format!("{}.ip6.arpa", labels.join("."))
        }
    }
}

fn txt_rdata(text: &str) -> RData {
    let bytes = text.as_bytes();
    let chunks: Vec<&[u8]> = if bytes.is_empty() {
        vec![&[][..]]
    } else {
        bytes.chunks(255).collect()
    };
    RData::TXT(TXT::from_bytes(chunks))
}

impl Zone {
    /// Sets the TXT record of a name (replacing earlier TXT records there).
    pub fn set_txt(&mut self, owner: &str, text: &str) -> &mut Self {
        self.replace(owner, RecordType::TXT, vec![txt_rdata(text)])
    }

    /// Sets the addresses of a name (replacing earlier A/AAAA records of that family).
    pub fn set_addrs(&mut self, owner: &str, ips: &[IpAddr]) -> &mut Self {
        let v4: Vec<RData> = ips
            .iter()
            .filter_map(|ip| match ip {
                IpAddr::V4(a) => Some(RData::A(A(*a))),
                _ => None,
            })
            .collect();
        let v6: Vec<RData> = ips
            .iter()
            .filter_map(|ip| match ip {
                IpAddr::V6(a) => Some(RData::AAAA(AAAA(*a))),
                _ => None,
            })
            .collect();
        if !v4.is_empty() {
            self.replace(owner, RecordType::A, v4);
        }
        if !v6.is_empty() {
            self.replace(owner, RecordType::AAAA, v6);
        }
        self
    }

    /// Sets the MX records of a name.
    pub fn set_mx(&mut self, owner: &str, exchanges: &[(u16, String)]) -> &mut Self {
        let rdata = exchanges
            .iter()
            .map(|(p, e)| RData::MX(MX::new(*p, name(e))))
            .collect();
        self.replace(owner, RecordType::MX, rdata)
    }

    /// Sets the PTR records of an address.
    pub fn set_ptr(&mut self, ip: IpAddr, targets: &[String]) -> &mut Self {
        let rdata = targets.iter().map(|t| RData::PTR(PTR(name(t)))).collect();
        self.replace(&reverse_name(ip), RecordType::PTR, rdata)
    }

    /// Replaces the records of one type at a name, keeping its other records.
    pub fn replace(&mut self, owner: &str, rtype: RecordType, rdata: Vec<RData>) -> &mut Self {
        let entry = self
            .names
            .entry(fqdn(owner))
            .or_insert_with(|| Behaviour::Records(Vec::new()));
        if let Behaviour::Records(list) = entry {
            list.retain(|r| r.record_type() != rtype);
            list.extend(rdata);
        } else {
            *entry = Behaviour::Records(rdata);
        }
        self
    }

    /// An alias: questions for `owner` are answered with `target`'s records.
    pub fn cname(&mut self, owner: &str, target: &str) -> &mut Self {
        match Name::from_ascii(fqdn(target)) {
            Ok(t) => self.add(owner, RData::CNAME(CNAME(t))),
            Err(_) => self,
        }
    }

    /// A PTR record at an already reversed name; invalid targets are left out.
    pub fn ptr_at(&mut self, owner: &str, target: &str) -> &mut Self {
        match Name::from_ascii(fqdn(target)) {
            Ok(t) => self.add(owner, RData::PTR(PTR(t))),
            Err(_) => self,
        }
    }

    /// An MX record; invalid exchange names are left out.
    pub fn try_mx(&mut self, owner: &str, preference: u16, exchange: &str) -> &mut Self {
        match Name::from_ascii(fqdn(exchange)) {
            Ok(t) => self.add(owner, RData::MX(MX::new(preference, t))),
            Err(_) => self,
        }
    }

    /// TXT records given as raw character-strings (any bytes, several strings each).
    pub fn txt_strings(&mut self, owner: &str, strings: &[Vec<u8>]) -> &mut Self {
        let parts: Vec<&[u8]> = strings.iter().map(Vec::as_slice).collect();
        self.add(owner, RData::TXT(TXT::from_bytes(parts)))
    }

    /// The name exists but has no records (NOERROR, no data).
    pub fn empty(&mut self, owner: &str) -> &mut Self {
        self.names
            .entry(fqdn(owner))
            .or_insert_with(|| Behaviour::Records(Vec::new()));
        self
    }

    /// Queries for this name are never answered.
    pub fn silent(&mut self, owner: &str) -> &mut Self {
        self.names.insert(fqdn(owner), Behaviour::Silent);
        self
    }

    /// Queries for this name get SERVFAIL.
    pub fn servfail(&mut self, owner: &str) -> &mut Self {
        self.names.insert(fqdn(owner), Behaviour::ServFail);
        self
    }

    /// No question is ever answered: the server reads every query and stays silent.
    pub fn never_answer(&mut self) -> &mut Self {
        self.mute = true;
        self
    }

    /// Every answer is sent `delay` after its question arrives (the server keeps reading
    /// questions meanwhile).
    pub fn delay_answers(&mut self, delay: Duration) -> &mut Self {
        self.delay = Some(delay);
        self
    }

    /// Every answer carries a transaction ID that does not match its question's, as a
    /// spoofer guessing IDs would send: a client must ignore them.
    pub fn wrong_id(&mut self) -> &mut Self {
        self.wrong_id = true;
        self
    }

    /// Every answer is empty with the truncated (TC) bit set, over TCP too, so a client
    /// that retries over TCP on truncation never gets a usable answer.
    pub fn always_truncated(&mut self) -> &mut Self {
        self.always_truncated = true;
        self
    }

    /// Every name containing `part` gets SERVFAIL.
    pub fn servfail_containing(&mut self, part: &str) -> &mut Self {
        self.failing.push(part.to_ascii_lowercase());
        self
    }

    /// Removes every record of a name (it becomes NXDOMAIN).
    pub fn remove(&mut self, owner: &str) -> &mut Self {
        self.names.remove(&fqdn(owner));
        self
    }

    /// The answer to one question, or None to stay silent.
    fn answer(&self, qname: &Name, qtype: RecordType) -> Option<(ResponseCode, Vec<Record>)> {
        self.answer_at(qname, qtype, 0)
    }

    fn answer_at(
        &self,
        qname: &Name,
        qtype: RecordType,
        depth: usize,
    ) -> Option<(ResponseCode, Vec<Record>)> {
        if self.mute {
            return None;
        }
        let key = qname.to_lowercase().to_ascii();
        let key = fqdn(&key);
        if self.failing.iter().any(|f| key.contains(f.as_str())) {
            return Some((ResponseCode::ServFail, Vec::new()));
        }
        match self.names.get(&key) {
            Some(Behaviour::Silent) => None,
            Some(Behaviour::ServFail) => Some((ResponseCode::ServFail, Vec::new())),
            Some(Behaviour::Records(list)) => {
                let alias = list.iter().find_map(|r| match r {
                    RData::CNAME(c) if qtype != RecordType::CNAME => Some(c.0.clone()),
                    _ => None,
                });
                if let Some(target) = alias {
                    // Follow the alias as an authoritative server would, a few steps deep.
                    let mut records = vec![Record::from_rdata(
                        qname.clone(),
                        300,
                        RData::CNAME(CNAME(target.clone())),
                    )];
                    let code = if depth < 8 {
                        let (code, more) = self.answer_at(&target, qtype, depth + 1)?;
                        records.extend(more);
                        code
                    } else {
                        ResponseCode::NoError
                    };
                    return Some((code, records));
                }
                let records = list
                    .iter()
                    .filter(|r| r.record_type() == qtype)
                    .map(|r| Record::from_rdata(qname.clone(), 300, r.clone()))
                    .collect();
                Some((ResponseCode::NoError, records))
            }
            None => {
                // A name with names below it exists (an empty non-terminal).
                let suffix = format!(".{key}");
                let exists = self.names.keys().any(|k| k.ends_with(&suffix));
                let code = if exists {
                    ResponseCode::NoError
                } else {
                    ResponseCode::NXDomain
                };
                Some((code, Vec::new()))
            }
        }
    }
}

struct Shared {
    zone: Mutex<Zone>,
    queries: AtomicUsize,
    tcp_queries: AtomicUsize,
    log: Mutex<Vec<String>>,
    stop: AtomicBool,
}

/// The running server. Stops when dropped.
pub struct DnsServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl DnsServer {
    /// Starts serving `zone` on 127.0.0.1, UDP and TCP on the same ephemeral port.
    pub fn start(zone: Zone) -> DnsServer {
        let (udp, tcp) = bind_pair();
        let addr = udp
            .local_addr()
            .unwrap_or_else(|e| panic!("no local addr: {e}"));
        let shared = Arc::new(Shared {
            zone: Mutex::new(zone),
            queries: AtomicUsize::new(0),
            tcp_queries: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        udp.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap_or_else(|e| panic!("udp timeout: {e}"));
        tcp.set_nonblocking(true)
            .unwrap_or_else(|e| panic!("tcp nonblocking: {e}"));
        let s = Arc::clone(&shared);
        let udp_thread = std::thread::spawn(move || serve_udp(udp, s));
        let s = Arc::clone(&shared);
        let tcp_thread = std::thread::spawn(move || serve_tcp(tcp, s));
        DnsServer {
            addr,
            shared,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Number of DNS questions received so far (UDP and TCP).
    pub fn queries(&self) -> usize {
        self.shared.queries.load(Ordering::SeqCst)
    }

    /// Number of questions that came over TCP.
    pub fn tcp_queries(&self) -> usize {
        self.shared.tcp_queries.load(Ordering::SeqCst)
    }

    /// The questions received so far, as "name TYPE".
    pub fn log(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// Changes the zone while serving.
    pub fn edit(&self, f: impl FnOnce(&mut Zone)) {
        let mut zone = self.shared.zone.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut zone);
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind udp: {e}"));
        let port = udp.local_addr().map(|a| a.port()).unwrap_or(0);
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)) {
            return (udp, tcp);
        }
    }
    panic!("could not bind UDP and TCP on one loopback port");
}

/// Builds the reply to one raw query, or None to stay silent. `limit` is the largest
/// reply allowed (UDP), beyond which the reply is truncated so the client retries on TCP.
fn reply(shared: &Shared, bytes: &[u8], limit: Option<usize>) -> Option<Vec<u8>> {
    let request = Message::from_vec(bytes).ok()?;
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    shared.queries.fetch_add(1, Ordering::SeqCst);
    let zone = shared
        .zone
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let id = if zone.wrong_id {
        request.metadata.id.wrapping_add(1)
    } else {
        request.metadata.id
    };
    if zone.always_truncated {
        for q in &request.queries {
            if let Ok(mut log) = shared.log.lock() {
                log.push(format!("{} {}", q.name(), q.query_type()));
            }
        }
        let mut short = Message::response(id, request.metadata.op_code);
        short.metadata.truncation = true;
        short.metadata.recursion_desired = request.metadata.recursion_desired;
        short.add_queries(request.queries.clone());
        return short.to_vec().ok();
    }
    let mut response = Message::response(id, request.metadata.op_code);
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.metadata.authoritative = true;
    response.add_queries(request.queries.clone());
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(4096);
        response.set_edns(edns);
    }
    for q in &request.queries {
        if let Ok(mut log) = shared.log.lock() {
            log.push(format!("{} {}", q.name(), q.query_type()));
        }
        let (code, records) = zone.answer(q.name(), q.query_type())?;
        response.metadata.response_code = code;
        response.add_answers(records);
    }
    let encoded = response.to_vec().ok()?;
    let max = limit.map(|l| l.max(usize::from(request.max_payload())).min(65_535));
    match max {
        Some(max) if encoded.len() > max => {
            let mut short = Message::response(id, request.metadata.op_code);
            short.metadata.truncation = true;
            short.metadata.recursion_desired = request.metadata.recursion_desired;
            short.add_queries(request.queries.clone());
            short.to_vec().ok()
        }
        _ => Some(encoded),
    }
}

/// How long answers are held back, if the zone says so.
fn delay(shared: &Shared) -> Option<Duration> {
    shared.zone.lock().unwrap_or_else(|p| p.into_inner()).delay
}

fn serve_udp(socket: UdpSocket, shared: Arc<Shared>) {
    let mut buf = [0u8; 4096];
    while !shared.stop.load(Ordering::SeqCst) {
        let Ok((n, peer)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let Some(out) = buf.get(..n).and_then(|q| reply(&shared, q, Some(512))) else {
            continue;
        };
        match (delay(&shared), socket.try_clone()) {
            (Some(wait), Ok(late)) => {
                std::thread::spawn(move || {
                    std::thread::sleep(wait);
                    let _ = late.send_to(&out, peer);
                });
            }
            _ => {
                let _ = socket.send_to(&out, peer);
            }
        }
    }
}

fn serve_tcp(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let s = Arc::clone(&shared);
                std::thread::spawn(move || serve_tcp_conn(stream, s));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn serve_tcp_conn(mut stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    loop {
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).is_err() {
            return;
        }
        let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if stream.read_exact(&mut msg).is_err() {
            return;
        }
        shared.tcp_queries.fetch_add(1, Ordering::SeqCst);
        let Some(out) = reply(&shared, &msg, None) else {
            continue;
        };
        if let Some(wait) = delay(&shared) {
            std::thread::sleep(wait);
        }
        let Ok(out_len) = u16::try_from(out.len()) else {
            return;
        };
        if stream.write_all(&out_len.to_be_bytes()).is_err() || stream.write_all(&out).is_err() {
            return;
        }
    }
}
