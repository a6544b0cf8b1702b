# --url-blocklist drops records whose url host is a listed domain or a subdomain of one.
. ./lib.sh
printf '# blocked\nexample.com\n.Spam.ORG\n\n' > block.txt
cat > in.jsonl <<'J'
{"id":1,"url":"https://example.com/a","text":"a"}
{"id":2,"url":"http://news.EXAMPLE.com:8080/x?y","text":"b"}
{"id":3,"url":"https://notexample.com/","text":"c"}
{"id":4,"url":"https://user@deep.sub.spam.org./p","text":"d"}
{"id":5,"text":"no url"}
{"id":6,"url":"example.com.evil.net/","text":"e"}
J
$GRIST clean -q --filters none --url-blocklist block.txt --rejects rej in.jsonl > out
expect_eq "kept" "3 5 6" "$(/usr/bin/python3 -c '
import json; print(" ".join(str(json.loads(l)["id"]) for l in open("out")))')"
expect_eq "rejected with the domain" "1 example.com
2 example.com
4 spam.org" "$(/usr/bin/python3 -c '
import json
for l in open("rej"):
    r = json.loads(l); assert r["rule"] == "url_blocklist"; print(r["record"]["id"], r["value"])')"
expect_exit "missing blocklist file" 3 $GRIST clean -q --url-blocklist nope.txt in.jsonl
done_testing
