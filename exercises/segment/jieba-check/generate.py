import sys
import random
random.seed(2026)
words=[]; freqs=[]
for line in open(sys.argv[1], encoding='utf-8'):
    w,f=line.split(' ')[:2]; words.append(w); freqs.append(int(f))
punct = list("，。！？；：、“”‘’（）《》【】—…·") + list(",.!?;:()[]\"'-") + [" ", "  ", "\t", "\u3000"]
latin = ["Rust","python3","iPhone","GPU","COVID-19","e-mail","3.1415","100%","C++","AT&T","www.example.com","Ünïcödé","😀","👍🏽","Σ","ĀĒ"]
import itertools
cum=list(itertools.accumulate(freqs))
pool=random.choices(words, cum_weights=cum, k=400000)
out=[]
for i in range(20000):
    n=random.randint(1,40); parts=[]
    for _ in range(n):
        r=random.random()
        if r<0.75: parts.append(random.choice(pool) if random.random()<0.5 else random.choice(words))
        elif r<0.87: parts.append(random.choice(punct))
        elif r<0.95: parts.append(random.choice(latin))
        else: parts.append(''.join(chr(random.randint(0x4E00,0x9FFF)) for _ in range(random.randint(1,4))))
    out.append(''.join(parts))
sys.stdout.write('\n'.join(out)+'\n')
