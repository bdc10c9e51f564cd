//! jieba compatibility: `Segmenter::cut` against the real `jieba` package.
//!
//! The expected tokens below were produced by Python jieba 0.42.1,
//! `jieba.lcut(text, HMM=False)`, with its default dictionary (the one
//! shipped in data/). They cover names and places, ambiguous splits, mixed
//! Chinese, English and digits, punctuation (ASCII, CJK and full-width),
//! runs of whitespace, `\r\n`, and an emoji. To regenerate them:
//!
//! ```text
//! python3 -m venv /tmp/jv && /tmp/jv/bin/pip install jieba==0.42.1
//! /tmp/jv/bin/python -c 'import jieba; print(jieba.lcut(TEXT, HMM=False))'
//! ```

use segment::{Cut, Dictionary, Segmenter};

const CASES: &[(&str, &[&str])] = &[
    ("我来到北京清华大学", &["我", "来到", "北京", "清华大学"]),
    (
        "他来到了网易杭研大厦",
        &["他", "来到", "了", "网易", "杭", "研", "大厦"],
    ),
    (
        "小明硕士毕业于中国科学院计算所，后在日本京都大学深造",
        &[
            "小",
            "明",
            "硕士",
            "毕业",
            "于",
            "中国科学院",
            "计算所",
            "，",
            "后",
            "在",
            "日本京都大学",
            "深造",
        ],
    ),
    (
        "工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作",
        &[
            "工信处",
            "女干事",
            "每月",
            "经过",
            "下属",
            "科室",
            "都",
            "要",
            "亲口",
            "交代",
            "24",
            "口",
            "交换机",
            "等",
            "技术性",
            "器件",
            "的",
            "安装",
            "工作",
        ],
    ),
    (
        "结婚的和尚未结婚的",
        &["结婚", "的", "和", "尚未", "结婚", "的"],
    ),
    (
        "我在用Python和Rust写一个分词器，速度提高了3.5倍！",
        &[
            "我",
            "在",
            "用",
            "Python",
            "和",
            "Rust",
            "写",
            "一个",
            "分词器",
            "，",
            "速度",
            "提高",
            "了",
            "3",
            ".",
            "5",
            "倍",
            "！",
        ],
    ),
    (
        "iPhone 15 Pro Max 的价格是 9999 元。",
        &[
            "iPhone", " ", "15", " ", "Pro", " ", "Max", " ", "的", "价格", "是", " ", "9999", " ",
            "元", "。",
        ],
    ),
    (
        "  多个   空格\t和制表符\r\n还有换行",
        &[
            " ",
            " ",
            "多个",
            " ",
            " ",
            " ",
            "空格",
            "\t",
            "和",
            "制表符",
            "\r\n",
            "还有",
            "换行",
        ],
    ),
    (
        "AT&T和c#以及C++都在词典里吗？",
        &[
            "AT&T", "和", "c#", "以及", "C++", "都", "在", "词典", "里", "吗", "？",
        ],
    ),
    (
        "今天天气不错😀，我们去公园散步吧~",
        &[
            "今天天气",
            "不错",
            "😀",
            "，",
            "我们",
            "去",
            "公园",
            "散步",
            "吧",
            "~",
        ],
    ),
    ("南京市长江大桥", &["南京市", "长江大桥"]),
    ("研究生命的起源", &["研究", "生命", "的", "起源"]),
    (
        "「引号」『书名号』《红楼梦》——破折号……省略号",
        &[
            "「",
            "引号",
            "」",
            "『",
            "书名号",
            "』",
            "《",
            "红楼梦",
            "》",
            "—",
            "—",
            "破折号",
            "…",
            "…",
            "省略号",
        ],
    ),
    ("abc123def中文456ghi", &["abc123def", "中文", "456ghi"]),
    (
        "下雨天留客天留我不留",
        &["下雨天", "留客", "天", "留", "我", "不留"],
    ),
    (
        "中华人民共和国成立于1949年10月1日",
        &[
            "中华人民共和国",
            "成立",
            "于",
            "1949",
            "年",
            "10",
            "月",
            "1",
            "日",
        ],
    ),
    (
        "ｆｕｌｌ－ｗｉｄｔｈ　字符和全角空格",
        &[
            "ｆ", "ｕ", "ｌ", "ｌ", "－", "ｗ", "ｉ", "ｄ", "ｔ", "ｈ", "　", "字符", "和", "全角",
            "空格",
        ],
    ),
    (
        "e-mail地址test_user@example.com和网址https://www.example.com/a?b=1",
        &[
            "e", "-", "mail", "地址", "test", "_", "user", "@", "example", ".", "com", "和",
            "网址", "https", ":", "/", "/", "www", ".", "example", ".", "com", "/", "a", "?", "b",
            "=", "1",
        ],
    ),
];

#[test]
fn matches_python_jieba_token_for_token() {
    let segmenter = Segmenter::new(Dictionary::jieba());
    let mut wrong = Vec::new();
    for (text, expected) in CASES {
        let got = segmenter.cut(text);
        if got != *expected {
            wrong.push(format!("{text:?}\n  jieba: {expected:?}\n  ours:  {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases differ:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}
