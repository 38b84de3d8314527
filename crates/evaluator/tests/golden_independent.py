#!/usr/bin/env python3
"""An independent re-implementation, from the module docs alone, of the demo dataset root,
the random golden model's root and its golden evaluation's result root (tests/golden.rs).

Run from the crate root: `python3 tests/golden_independent.py`. It prints the three values and
exits non-zero unless they equal the constants in tests/golden.rs. Python's hashlib BLAKE2b and
big integers are the only things it shares with the Rust code: none of its logic.
"""
import hashlib, struct
H=lambda b: hashlib.blake2b(b,digest_size=32).digest()
leaf=lambda d: H(b'\x00'+d)
node=lambda l,r: H(b'\x01'+l+r)
def root(ls):
    if not ls: return H(b'')
    while len(ls)>1:
        ls=[node(ls[i],ls[i+1]) if i+1<len(ls) else ls[i] for i in range(0,len(ls),2)]
    return ls[0]
d=open('data/digits.vrtd','rb').read()
S,N,C=struct.unpack('<III',d[8:20])
recs=[(d[20+i*(S+1)], d[21+i*(S+1):20+(i+1)*(S+1)]) for i in range(N)]
sh=[leaf(struct.pack('<I',i)+bytes([l])+s) for i,(l,s) in enumerate(recs)]
print('dataset', root([leaf(d[:20])]+sh).hex())
# stream
def stream():
    c=0
    while True:
        for b in H(b"verity/evaluator/golden-model/v1"+struct.pack('<Q',c)): yield b
        c+=1
st=stream()
def layer(I,O):
    W=[struct.unpack('<b',bytes([next(st)]))[0] for _ in range(I*O)]
    B=[struct.unpack('<h',bytes([next(st),next(st)]))[0] for _ in range(O)]
    return W,B
W0,B0=layer(64,32); W1,B1=layer(32,10)
lut=bytes((i*97)%256 for i in range(256))
M=1<<30; SH=7
enc=b'VRTM'+struct.pack('<IIII',1,1,64,2)+struct.pack('<III',64,32,0)+struct.pack('<III',32,10,1)
leaves=[leaf(enc)]
body=b''
for (W,B,I,O,lk) in [(W0,B0,64,32,False),(W1,B1,32,10,True)]:
    wb=struct.pack('<%db'%len(W),*W)
    for o in range(O): leaves.append(leaf(wb[o*I:(o+1)*I]))
    bb=struct.pack('<%di'%O,*B); leaves.append(leaf(bb))
    rq=struct.pack('<iI',M,SH)+(lut if lk else b''); leaves.append(leaf(rq))
print('model', root(leaves).hex())
def srdhm(a,b): return (a*b+(1<<30))>>31   # floor
def rdbpot(x,e):
    m=abs(x); r=(m+(1<<(e-1)))>>e if e else m
    return -r if x<0 else r
def rq(acc): return max(0,min(255,rdbpot(srdhm(acc,M),SH)))
def infer(x):
    h=[rq(B0[o]+sum(W0[o*64+i]*x[i] for i in range(64))) for o in range(32)]
    return [lut[rq(B1[o]+sum(W1[o*32+i]*h[i] for i in range(32)))] for o in range(10)]
# selection
seed=H(b"verity/evaluator/golden/v1")
def words():
    c=0
    while True:
        b=H(b"verity/evaluator/selection/v1"+seed+struct.pack('<Q',c))
        for i in range(4): yield struct.unpack('<Q',b[8*i:8*i+8])[0]
        c+=1
w=words()
def uni(m):
    t=(2**64)%m
    while True:
        x=next(w)
        if x>=t: return x%m
n=359;a=list(range(n));idx=[]
for i in range(100):
    j=i+uni(n-i); a[i],a[j]=a[j],a[i]; idx.append(1438+a[i])
ls=[];tot=0
for i in idx:
    lab,s=recs[i]; lg=infer(s); am=lg.index(max(lg)); sc=int(am==lab); tot+=sc
    ls.append(leaf(struct.pack('<I',i)+sh[i]+bytes(lg)+struct.pack('<I',sc)))
print('result', H(b'\x02'+root(ls)+struct.pack('<II',tot,100)).hex(), tot)
import re, sys
golden = open('tests/golden.rs').read()
want = {name: re.search(name + r': &str =\s*"([0-9a-f]+)"', golden).group(1)
        for name in ['DIGITS_ROOT', 'RANDOM_MODEL_ROOT', 'RANDOM_RESULT_ROOT']}
got = {'DIGITS_ROOT': root([leaf(d[:20])] + sh).hex(), 'RANDOM_MODEL_ROOT': root(leaves).hex(),
       'RANDOM_RESULT_ROOT': H(b'\x02' + root(ls) + struct.pack('<II', tot, 100)).hex()}
sys.exit(0 if got == want else 'mismatch: %r != %r' % (got, want))
