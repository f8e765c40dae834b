#!/usr/bin/python3
"""A local OpenID Connect identity provider for jwt_auth's idp suite (test/idp/run).

Usage: /usr/bin/python3 provider.py --ready FILE --tls NAME:CERT:KEY [--tls NAME:CERT:KEY ...]

Each --tls NAME:CERT:KEY is an HTTPS listener on 127.0.0.1 (a free port) with that certificate
chain and key (PEM, made by the run script with the openssl CLI). The first one is the provider
proper; the others serve the same paths with other certificates (one the test's CA did not sign,
one for another host name), to show that jwt_auth checks the peer. A plain-HTTP admin listener on
127.0.0.1 controls it. When every listener is up, FILE is written (atomically) as
    {"https": {"NAME": port, ...}, "admin": port, "pid": pid}
The provider runs until killed (SIGTERM).

Tenants. The provider serves any number of tenants, each an issuer of its own, named by a path
("auth0", "realms/shop", ...): tenant T has the base URL https://127.0.0.1:PORT/T (its "issuer")
and serves
    GET /T/.well-known/openid-configuration   {"issuer": base URL, "jwks_uri": ..., ...}
    GET /T/.well-known/jwks.json              the public JWK set, with Cache-Control: max-age=N
    GET /T/moved/jwks.json                    the same set (where the redirect mode points)
Each tenant holds private keys (RSA 2048 for RS*/PS*, P-256 for ES256, P-384 for ES384, Ed25519
for EdDSA), made with the cryptography package, each with a kid. The JWK set is written here
from the key numbers (EC coordinates at full size, as RFC 7518 requires).

What the JWK set path answers depends on the tenant's mode:
    normal          200, the public set
    error500        500 with a short text body
    hang            sleeps hang_seconds (default 30), then answers as normal (if anyone is left)
    huge            200 with a 50 MB body (Content-Length 52428800), sent until the client leaves
    huge_chunked    the same 50 MB chunked, with no Content-Length: the client learns the size
                    only by reading
    malformed       200, a body that is not JSON
    private         200, the set with the private members ("d", ...) of its keys
    oct             200, the set plus a symmetric ("oct") key
    redirect_https  302 to https://127.0.0.1:PORT/T/moved/jwks.json (the same server)
    redirect_file   302 to file:///etc/passwd
    redirect_http   302 to http://127.0.0.1:ADMIN/T/jwks.json (plain HTTP; the admin port says 404)
Discovery documents always answer 200; "discovery_issuer" puts another "issuer" in it.

Admin (plain HTTP, 127.0.0.1 only): POST /admin with a JSON object {"op": ..., ...}, answered with
a JSON object (400 {"error"} for a bad request):
    {"op": "tenant", "name": T, "algs": ["RS256", ...]}    a new tenant (or its keys replaced),
                                                          one key per alg -> {"issuer", "jwks_uri",
                                                          "kids": [...]}
    {"op": "add_key", "tenant": T, "alg": A, "kid": K?}   rotation: a new key -> {"kid"}
    {"op": "remove_key", "tenant": T, "kid": K}           rotation: a key dropped from the set
    {"op": "private_key", "tenant": T, "kid": K}          {"alg", "kid", "pem" (PKCS#8), "jwk"}
                                                          for the test's signing libraries
    {"op": "jwks", "tenant": T}                           {"jwks": the public set} (to push it)
    {"op": "set", "tenant": T, "mode": M?, "max_age": N?, "hang_seconds": S?,
     "discovery_issuer": I?}                              change how T answers; max_age null
                                                          sends no Cache-Control at all
    {"op": "counts"}                                      {"counts": {path: requests}, "sent":
                                                          {path: body bytes written}}
    {"op": "arrivals", "path": P}                         {"arrivals": [the times (Unix, float)
                                                          of P's last 1000 requests]}
    {"op": "reset_counts"}                                all of these back to empty
Requests are counted per path (every HTTPS listener, any answer, also unknown paths), when they
arrive, before any answer or hang. Nothing here logs a key: request lines go nowhere.
"""

import argparse
import base64
import json
import os
import secrets
import ssl
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

HUGE_SIZE = 50 * 1024 * 1024
JWKS_PATH = "/.well-known/jwks.json"
DISCOVERY_PATH = "/.well-known/openid-configuration"
MOVED_PATH = "/moved/jwks.json"

lock = threading.Lock()
tenants = {}  # name -> Tenant
counts = {}  # path -> requests
sent = {}  # path -> body bytes written
arrivals = {}  # path -> the times (time.time()) of its last 1000 requests
ports = {}  # listener name -> port
admin_port = None


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64int(value, size=None):
    size = size or max(1, (value.bit_length() + 7) // 8)
    return b64(value.to_bytes(size, "big"))


class Key:
    """One signing key of a tenant: the private key object and its JWKs."""

    def __init__(self, alg, kid):
        self.alg, self.kid = alg, kid
        if alg[:2] in ("RS", "PS"):
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg in ("ES256", "ES384", "ES512"):
            curve = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}[alg]
            self.private = ec.generate_private_key(curve)
        elif alg == "EdDSA":
            self.private = ed25519.Ed25519PrivateKey.generate()
        else:
            raise ValueError("unsupported alg %s" % alg)

    def jwk(self, private=False):
        head = {"kid": self.kid, "alg": self.alg, "use": "sig"}
        key = self.private
        if isinstance(key, rsa.RSAPrivateKey):
            priv = key.private_numbers()
            pub = priv.public_numbers
            jwk = dict(head, kty="RSA", n=b64int(pub.n), e=b64int(pub.e))
            if private:
                jwk.update(d=b64int(priv.d), p=b64int(priv.p), q=b64int(priv.q),
                           dp=b64int(priv.dmp1), dq=b64int(priv.dmq1), qi=b64int(priv.iqmp))
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            size = (key.curve.key_size + 7) // 8
            crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
            priv = key.private_numbers()
            pub = priv.public_numbers
            jwk = dict(head, kty="EC", crv=crv, x=b64int(pub.x, size), y=b64int(pub.y, size))
            if private:
                jwk["d"] = b64int(priv.private_value, size)
        else:
            raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
            jwk = dict(head, kty="OKP", crv="Ed25519", x=b64(raw))
            if private:
                jwk["d"] = b64(key.private_bytes(serialization.Encoding.Raw,
                                                 serialization.PrivateFormat.Raw,
                                                 serialization.NoEncryption()))
        return jwk

    def pem(self):
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode()


class Tenant:
    def __init__(self, name):
        self.name = name
        self.keys = []  # in the order added
        self.mode = "normal"
        self.max_age = 300
        self.hang_seconds = 30.0
        self.discovery_issuer = None

    def base(self):
        return "https://127.0.0.1:%d/%s" % (ports[""], self.name)

    def public_set(self):
        return {"keys": [k.jwk() for k in self.keys]}

    def key(self, kid):
        for k in self.keys:
            if k.kid == kid:
                return k
        raise KeyError("no key %r in tenant %r" % (kid, self.name))


def new_kid():
    return secrets.token_urlsafe(12)


def new_keys(request):
    """The keys an admin request makes, made before the lock is taken (RSA takes a while), in
    parallel (OpenSSL runs without the GIL)."""
    if request.get("op") == "tenant":
        specs = [(alg, new_kid()) for alg in request.get("algs", ["RS256"])]
    elif request.get("op") == "add_key":
        specs = [(request["alg"], request.get("kid") or new_kid())]
    else:
        return []
    with ThreadPoolExecutor(max_workers=len(specs) or 1) as pool:
        return list(pool.map(lambda spec: Key(*spec), specs))


def admin(request, keys):
    op = request.get("op")
    if op == "counts":
        return {"counts": dict(counts), "sent": dict(sent)}
    if op == "arrivals":
        return {"arrivals": list(arrivals.get(request["path"], []))}
    if op == "reset_counts":
        counts.clear()
        sent.clear()
        arrivals.clear()
        return {}
    if op == "tenant":
        name = request["name"].strip("/")
        if not name or ".well-known" in name or "moved" in name.split("/"):
            raise ValueError("bad tenant name")
        tenant = Tenant(name)
        tenant.keys = keys
        tenants[name] = tenant
        return {"issuer": tenant.base(), "jwks_uri": tenant.base() + JWKS_PATH,
                "kids": [k.kid for k in tenant.keys]}
    tenant = tenants[request["tenant"]]
    if op == "add_key":
        key = keys[0]
        tenant.keys.append(key)
        return {"kid": key.kid}
    if op == "remove_key":
        tenant.keys.remove(tenant.key(request["kid"]))
        return {}
    if op == "private_key":
        key = tenant.key(request["kid"])
        return {"alg": key.alg, "kid": key.kid, "pem": key.pem(), "jwk": key.jwk(private=True)}
    if op == "jwks":
        return {"jwks": tenant.public_set()}
    if op == "set":
        if "mode" in request:
            if request["mode"] not in MODES:
                raise ValueError("unknown mode")
            tenant.mode = request["mode"]
        if "max_age" in request:
            tenant.max_age = request["max_age"]
        if "hang_seconds" in request:
            tenant.hang_seconds = float(request["hang_seconds"])
        if "discovery_issuer" in request:
            tenant.discovery_issuer = request["discovery_issuer"]
        return {}
    raise ValueError("unknown op")


MODES = ("normal", "error500", "hang", "huge", "huge_chunked", "malformed", "private", "oct",
         "redirect_https", "redirect_file", "redirect_http")


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # no request lines anywhere
        pass

    def answer(self, status, body, content_type="application/json", extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        with lock:
            sent[self.path] = sent.get(self.path, 0) + len(body)


class AdminHandler(Quiet):
    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length))
            keys = new_keys(request)
            with lock:
                result = admin(request, keys)
        except (KeyError, ValueError, TypeError) as e:
            return self.answer(400, {"error": "%s: %s" % (type(e).__name__, e)})
        self.answer(200, result)

    def do_GET(self):
        self.answer(404, {"error": "the admin port serves POST /admin only"})


class ProviderHandler(Quiet):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        with lock:
            counts[path] = counts.get(path, 0) + 1
            arrivals.setdefault(path, []).append(time.time())
            del arrivals[path][:-1000]
            tenant, kind = None, None
            for suffix, what in ((DISCOVERY_PATH, "discovery"), (JWKS_PATH, "jwks"),
                                 (MOVED_PATH, "moved")):
                if path.endswith(suffix):
                    tenant = tenants.get(path[1:-len(suffix)])
                    kind = what
                    break
            if tenant is None:
                return self.answer(404, {"error": "not found"})
            mode, max_age, hang = tenant.mode, tenant.max_age, tenant.hang_seconds
            keys = list(tenant.keys)
            base = tenant.base()
            issuer = tenant.discovery_issuer or base
        cache = () if max_age is None else (("Cache-Control", "public, max-age=%d" % max_age),)
        if kind == "discovery":
            return self.answer(200, {
                "issuer": issuer, "jwks_uri": base + JWKS_PATH,
                "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": sorted({k.alg for k in keys})})
        public = {"keys": [k.jwk() for k in keys]}
        if kind == "moved" or mode == "normal":
            return self.answer(200, public, extra=cache)
        if mode == "error500":
            return self.answer(500, "internal error", "text/plain")
        if mode == "hang":
            time.sleep(hang)
            return self.answer(200, public, extra=cache)
        if mode == "malformed":
            return self.answer(200, '{"keys": [{"kty": "RSA", "n": ', extra=cache)
        if mode == "private":
            return self.answer(200, {"keys": [k.jwk(private=True) for k in keys]}, extra=cache)
        if mode == "oct":
            oct_key = {"kty": "oct", "kid": "oct-" + new_kid(), "alg": "HS256",
                       "k": b64(secrets.token_bytes(32))}
            return self.answer(200, {"keys": public["keys"] + [oct_key]}, extra=cache)
        if mode.startswith("redirect_"):
            location = {
                "redirect_https": base + MOVED_PATH,
                "redirect_file": "file:///etc/passwd",
                "redirect_http": "http://127.0.0.1:%d/%s/jwks.json" % (admin_port, tenant.name),
            }[mode]
            return self.answer(302, "", "text/plain", extra=(("Location", location),))
        if mode in ("huge", "huge_chunked"):
            return self.huge(path, chunked=mode == "huge_chunked")
        return self.answer(500, "unknown mode", "text/plain")

    def huge(self, path, chunked=False):
        """A 50 MB JSON body, written in 64 kB pieces until it is all out or the client left."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(HUGE_SIZE))
        self.end_headers()

        def write(data):
            if chunked:
                data = b"%x\r\n%s\r\n" % (len(data), data)
            self.wfile.write(data)

        head = b'{"keys": [], "padding": "'
        chunk = b"A" * 65536
        written = 0
        try:
            write(head)
            written = len(head)
            while written < HUGE_SIZE - 2:
                piece = chunk[:HUGE_SIZE - 2 - written]
                write(piece)
                written += len(piece)
            write(b'"}')
            written += 2
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
        with lock:
            sent[path] = sent.get(path, 0) + written


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, context=None):
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request, client_address):
        # the TLS handshake in the request's own thread, so that a stalled client stalls no one
        if self.context is not None:
            request.settimeout(60)
            request = self.context.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # a client that leaves early (a timeout, a refused certificate) is what we test


def main():
    global admin_port
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", required=True)
    parser.add_argument("--tls", action="append", required=True, help="NAME:CERT:KEY")
    args = parser.parse_args()

    servers = []
    for spec in args.tls:
        name, cert, key = spec.split(":", 2)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        server = Server(("127.0.0.1", 0), ProviderHandler, context)
        ports[name] = server.server_address[1]
        ports.setdefault("", server.server_address[1])  # the first listener: the provider proper
        servers.append(server)
    admin_server = Server(("127.0.0.1", 0), AdminHandler)
    admin_port = admin_server.server_address[1]
    servers.append(admin_server)
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()

    ready = {"https": {k: v for k, v in ports.items() if k}, "admin": admin_port,
             "pid": os.getpid()}
    with open(args.ready + ".tmp", "w") as f:
        json.dump(ready, f)
    os.rename(args.ready + ".tmp", args.ready)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
