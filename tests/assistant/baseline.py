"""Talas's intent classifier next to an independent baseline on the same held-out split.

The baseline is scikit-learn: TF-IDF over word 1–2-grams and char_wb 2–5-grams (sublinear
tf) feeding a logistic regression. It learns from TRAIN only; its one knob, the inverse
regularisation C, is chosen by stratified 5-fold cross-validation on TRAIN (macro-F1), never
on the held-out file. Our figures are read from the saved output of
`satupintu assistant eval HELDOUT --data-dir DIR`.

Fails (non-zero exit) when ours is under accuracy 0.90 or macro-F1 0.88, or worse than the
baseline by more than 0.005 on either.

usage: baseline.py TRAIN HELDOUT OURS_OUTPUT
"""
import json
import re
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

SEED = 20240601
C_GRID = [1.0, 10.0, 100.0, 1000.0]
TOLERANCE = 0.005
MIN_ACCURACY, MIN_MACRO_F1 = 0.90, 0.88

train_path, heldout_path, ours_path = sys.argv[1:4]


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [r["text"] for r in rows], [r["intent"] for r in rows]


def parse_ours(path):
    """`messages`, `accuracy`, `macro-F1` and the per-intent F1 column of our report."""
    text = open(path, encoding="utf-8").read()
    head = dict(re.findall(r"^(messages|accuracy|macro-F1) +([0-9.]+)", text, re.M))
    per_intent = {}
    table = re.search(r"^intent +precision +recall +f1 +support\n(.*?)\n\n", text, re.M | re.S)
    for line in (table.group(1).splitlines() if table else []):
        name, _precision, _recall, f1, _support = line.split()
        per_intent[name] = float(f1)
    return head, per_intent


passed = 0
failures = []


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


train_x, train_y = load(train_path)
test_x, test_y = load(heldout_path)
seen = {t.lower() for t in train_x}
leaked = [t for t in test_x if t.lower() in seen]
check("held-out split is disjoint from training", not leaked, leaked[:3])

started = time.monotonic()
features = FeatureUnion([
    ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
    ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
])
model = Pipeline([("tfidf", features), ("lr", LogisticRegression(max_iter=5000, random_state=SEED))])
search = GridSearchCV(
    model,
    {"lr__C": C_GRID},
    scoring="f1_macro",
    cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED),
    n_jobs=-1,
)
with threadpool_limits(1):  # one BLAS thread per job: oversubscribed threads were 2x slower
    search.fit(train_x, train_y)
predicted = search.predict(test_x)
seconds = time.monotonic() - started
labels = sorted(set(test_y) | set(predicted))
base_acc = accuracy_score(test_y, predicted)
base_f1 = f1_score(test_y, predicted, labels=labels, average="macro", zero_division=0)
base_per = dict(zip(labels, f1_score(test_y, predicted, labels=labels, average=None, zero_division=0)))

head, ours_per = parse_ours(ours_path)
check("our report was read", {"messages", "accuracy", "macro-F1"} <= head.keys() and ours_per, head)
check("our report is of the same held-out file", int(head.get("messages", -1)) == len(test_x),
      f"{head.get('messages')} messages, the file has {len(test_x)}")
ours_acc = float(head.get("accuracy", 0.0))
ours_f1 = float(head.get("macro-F1", 0.0))

print(f"held-out split: {len(test_x)} messages, {len(set(test_y))} intents; training: {len(train_x)} messages")
print(f"baseline: scikit-learn TF-IDF (word 1-2 + char_wb 2-5, sublinear) + logistic regression, "
      f"C={search.best_params_['lr__C']:g} by 5-fold CV on training (macro-F1 {search.best_score_:.3f}), {seconds:.1f} s")
print()
print(f"{'':<22} {'satupintu':>10} {'baseline':>10} {'diff':>8}")
print(f"{'accuracy':<22} {ours_acc:>10.3f} {base_acc:>10.3f} {ours_acc - base_acc:>+8.3f}")
print(f"{'macro-F1':<22} {ours_f1:>10.3f} {base_f1:>10.3f} {ours_f1 - base_f1:>+8.3f}")
print("per-intent F1")
for name in sorted(set(ours_per) | set(base_per)):
    ours, base = ours_per.get(name, 0.0), base_per.get(name, 0.0)
    print(f"  {name:<20} {ours:>10.3f} {base:>10.3f} {ours - base:>+8.3f}")
print()

check(f"accuracy >= {MIN_ACCURACY}", ours_acc >= MIN_ACCURACY, f"{ours_acc:.3f}")
check(f"macro-F1 >= {MIN_MACRO_F1}", ours_f1 >= MIN_MACRO_F1, f"{ours_f1:.3f}")
check("accuracy not worse than the baseline", ours_acc >= base_acc - TOLERANCE, f"{ours_acc:.3f} vs {base_acc:.3f}")
check("macro-F1 not worse than the baseline", ours_f1 >= base_f1 - TOLERANCE, f"{ours_f1:.3f} vs {base_f1:.3f}")

if failures:
    print("verdict: FAIL")
else:
    print(f"verdict: satupintu meets the bar and is not worse than the baseline "
          f"(accuracy {ours_acc - base_acc:+.3f}, macro-F1 {ours_f1 - base_f1:+.3f}, tolerance {TOLERANCE})")
print(f"assistant: {passed} passed, {len(failures)} failed")
for failure in failures:
    print("  FAILED", failure)
sys.exit(1 if failures else 0)
