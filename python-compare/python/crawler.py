"""A web crawler in Python: threads with urllib, or asyncio with aiohttp.

    python3 crawler.py --variant asyncio --workers 8 http://127.0.0.1:8080/

Prints every URL found on the start URL's host (scheme, host and port),
without its fragment, one per line, sorted: the same list `concur crawl`
prints. Redirects are not followed; their targets are links like any other.
Only addresses on the start URL's own origin are fetched.
"""

import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

import common

MAX_BODY = 4 << 20
TIMEOUT = 10
AGENT = "concur-python-crawler"


class Anchors(HTMLParser):
    """Collects `<a href>` values; text inside comments is not parsed, and
    `&amp;` in an attribute is decoded, as a browser does."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v is not None)


def origin(url):
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, parts.hostname, parts.port or default


def normalise(page, href, home):
    url = urldefrag(urljoin(page, href.strip())).url
    if urlsplit(url).scheme not in ("http", "https") or origin(url) != home:
        return None
    return url


def links(page, status, content_type, location, body, home):
    """The same-origin links a response offers."""
    if 300 <= status < 400:
        target = location and normalise(page, location, home)
        return [target] if target else []
    if status != 200 or not content_type.lower().startswith("text/html"):
        return []
    parser = Anchors()
    parser.feed(body)
    return [u for u in (normalise(page, h, home) for h in parser.hrefs) if u]


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = build_opener(_NoRedirect)


def fetch(url, home):
    """GET `url` with urllib (blocking: the GIL is released while it waits)."""
    request = Request(url, headers={"User-Agent": AGENT})
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            status, headers, body = response.status, response.headers, response.read(MAX_BODY)
    except HTTPError as error:
        status, headers, body = error.code, error.headers, error.read(MAX_BODY)
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return []
    text = body.decode("utf-8", "replace")
    return links(url, status, headers.get("Content-Type", ""), headers.get("Location"), text, home)


def crawl_threads(start, workers):
    # The main thread owns the frontier and the seen set; workers only fetch.
    home = origin(start)
    seen = {start}
    with ThreadPoolExecutor(workers) as pool:
        pending = {pool.submit(fetch, start, home)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                for url in future.result():
                    if url not in seen:
                        seen.add(url)
                        pending.add(pool.submit(fetch, url, home))
    return sorted(seen)


def sequential(start, workers):
    return common.timed(crawl_threads, start, 1)


def threads(start, workers):
    return common.timed(crawl_threads, start, workers)


async def _crawl_async(start, workers):
    import asyncio

    import aiohttp

    home = origin(start)
    seen = {start}
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    # The connector's limit bounds requests in flight, as a semaphore would.
    connector = aiohttp.TCPConnector(limit=workers)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, headers={"User-Agent": AGENT}) as session:

        async def fetch_async(url):
            try:
                async with session.get(url, allow_redirects=False) as response:
                    body = await response.content.read(MAX_BODY)
                    text = body.decode("utf-8", "replace")
                    return links(
                        url, response.status, response.headers.get("Content-Type", ""),
                        response.headers.get("Location"), text, home,
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                print(f"{url}: {error}", file=sys.stderr)
                return []

        pending = {asyncio.create_task(fetch_async(start))}
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                for url in task.result():
                    if url not in seen:
                        seen.add(url)
                        pending.add(asyncio.create_task(fetch_async(url)))
    return sorted(seen)


def in_asyncio(start, workers):
    import asyncio

    return common.timed(lambda: asyncio.run(_crawl_async(start, workers)))


VARIANTS = {
    "sequential": sequential,
    "threads": threads,
    "asyncio": in_asyncio,
}


def main():
    parser = common.parser(__doc__, VARIANTS)
    parser.add_argument("url", help="where to start, e.g. http://127.0.0.1:8080/")
    args = parser.parse_args()
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).hostname:
        raise SystemExit(f"{args.url!r} is not an http(s) URL")
    start = normalise(args.url, args.url, origin(args.url))
    try:
        seconds, urls = common.run(VARIANTS, args.variant, start, args.workers)
    except ModuleNotFoundError:
        raise SystemExit("aiohttp is not installed: pip install -r python-compare/requirements.txt")
    print("\n".join(urls))
    print(f"{args.variant}, {args.workers} workers: {len(urls)} URLs in {seconds:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
