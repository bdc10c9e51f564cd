import jieba, json, sys
jieba.setLogLevel(60)
with open(sys.argv[1], encoding='utf-8', newline='') as f:
    for line in f:
        line = line[:-1] if line.endswith('\n') else line
        if line.endswith('\r'): line = line[:-1]
        print(json.dumps(jieba.lcut(line, HMM=False), ensure_ascii=False, separators=(',', ':')))
