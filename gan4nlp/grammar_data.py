"""The course's two probabilistic grammars as data: English and Thai grammar text in the notation
that `grammar.PCFG` reads (chapters 7, 8, 11 and 12; the notation and the Thai grammar's choices
are described in `grammar`). Written for this course; the Thai one follows standard written Thai
(Iwasaki & Ingkaphirom Horie 2005).
"""

ENGLISH_GRAMMAR = r"""
# A toy world of animals, children and things. Subjects are animate (cats, girls, teachers,
# ...); verbs agree in number with their subject; 'a', 'this', 'every' take singular nouns and
# 'some', 'two', 'these' plural ones. Two adjectives come in English order, size then colour;
# colours describe animals and things, not people. Relative clauses: 'the dog that sees the cat'
# (subject gap) and 'the ball that the boy likes' (object gap). Dogs may read books here: only
# the Thai grammar restricts who does what.
S        -> NP_sg VP_sg [0.55] | NP_pl VP_pl [0.45]

NP_sg    -> Det_sg Nom_sg [0.88] | Det_sg Nom_sg RC_sg [0.12]
NP_pl    -> Det_pl Nom_pl [0.88] | Det_pl Nom_pl RC_pl [0.12]
Nom_sg   -> A_sg [0.35] | P_sg [0.3] | AAdj A_sg [0.15] | PAdj P_sg [0.12] | Size Colour A_sg [0.08]
Nom_pl   -> A_pl [0.35] | P_pl [0.3] | AAdj A_pl [0.15] | PAdj P_pl [0.12] | Size Colour A_pl [0.08]
RC_sg    -> 'that' VP_sg [0.5] | RC_obj [0.5]
RC_pl    -> 'that' VP_pl [0.5] | RC_obj [0.5]
RC_obj   -> 'that' NP_sg VT_sg [0.5] | 'that' NP_pl VT_pl [0.5]

Thing_sg -> Det_sg TNom_sg [0.9] | Det_sg TNom_sg RC_obj [0.1]
Thing_pl -> Det_pl TNom_pl [0.9] | Det_pl TNom_pl RC_obj [0.1]
TNom_sg  -> T_sg [0.7] | TAdj T_sg [0.22] | Size TColour T_sg [0.08]
TNom_pl  -> T_pl [0.7] | TAdj T_pl [0.22] | Size TColour T_pl [0.08]
T_sg     -> Toy_sg [0.4] | Book_sg [0.3] | Food_sg [0.3]
T_pl     -> Toy_pl [0.4] | Book_pl [0.3] | Food_pl [0.3]
Obj      -> NP_sg [0.3] | NP_pl [0.2] | Thing_sg [0.3] | Thing_pl [0.2]
Read     -> Det_sg Book_sg [0.4] | Det_pl Book_pl [0.3] | Det_sg TAdj Book_sg [0.15] | Det_pl TAdj Book_pl [0.15]
Food     -> Det_sg Food_sg [0.4] | Det_pl Food_pl [0.3] | Det_sg TAdj Food_sg [0.15] | Det_pl TAdj Food_pl [0.15]

VP_sg    -> VPc_sg [0.75] | VPc_sg PP [0.15] | VPc_sg Time [0.1]
VP_pl    -> VPc_pl [0.75] | VPc_pl PP [0.15] | VPc_pl Time [0.1]
VPc_sg   -> VI_sg [0.35] | VT_sg Obj [0.45] | 'reads' Read [0.1] | 'eats' Food [0.1]
VPc_pl   -> VI_pl [0.35] | VT_pl Obj [0.45] | 'read' Read [0.1] | 'eat' Food [0.1]
PP       -> 'in' 'the' PlaceIn [0.35] | 'on' 'the' PlaceOn [0.2] | 'under' 'the' PlaceUnder [0.2]
          | 'near' 'the' Place [0.25]
Time     -> 'today' [0.5] | 'again' [0.5]

Det_sg   -> 'the' [0.45] | 'a' [0.3] | 'this' [0.1] | 'every' [0.15]
Det_pl   -> 'the' [0.45] | 'some' [0.25] | 'two' [0.15] | 'these' [0.15]
A_sg     -> 'cat' [0.4] | 'dog' [0.4] | 'bird' [0.2]
A_pl     -> 'cats' [0.4] | 'dogs' [0.4] | 'birds' [0.2]
P_sg     -> 'girl' [0.35] | 'boy' [0.35] | 'teacher' [0.3]
P_pl     -> 'girls' [0.35] | 'boys' [0.35] | 'teachers' [0.3]
AAdj     -> Size [0.35] | Colour [0.35] | 'lazy' [0.15] | 'happy' [0.15]
PAdj     -> 'happy' [0.4] | 'young' [0.3] | 'tall' [0.3]
Size     -> 'small' [0.5] | 'big' [0.5]
Colour   -> 'black' [0.4] | 'white' [0.3] | 'brown' [0.3]
TAdj     -> Size [0.4] | TColour [0.4] | 'new' [0.2]
TColour  -> 'red' [0.6] | 'green' [0.4]
Toy_sg   -> 'ball' [0.6] | 'box' [0.4]
Toy_pl   -> 'balls' [0.6] | 'boxes' [0.4]
Book_sg  -> 'book' [0.6] | 'letter' [0.4]
Book_pl  -> 'books' [0.6] | 'letters' [0.4]
Food_sg  -> 'cake' [0.5] | 'pear' [0.5]
Food_pl  -> 'cakes' [0.5] | 'pears' [0.5]
VT_sg    -> 'sees' [0.25] | 'likes' [0.25] | 'chases' [0.2] | 'finds' [0.15] | 'wants' [0.15]
VT_pl    -> 'see' [0.25] | 'like' [0.25] | 'chase' [0.2] | 'find' [0.15] | 'want' [0.15]
VI_sg    -> 'sleeps' [0.25] | 'runs' [0.2] | 'jumps' [0.2] | 'sings' [0.15] | 'plays' [0.2]
VI_pl    -> 'sleep' [0.25] | 'run' [0.2] | 'jump' [0.2] | 'sing' [0.15] | 'play' [0.2]
PlaceIn  -> 'garden' [0.4] | 'park' [0.3] | 'house' [0.3]
PlaceOn  -> 'table' [0.5] | 'bed' [0.5]
PlaceUnder -> 'table' [0.4] | 'bed' [0.3] | 'tree' [0.3]
Place    -> 'house' [0.3] | 'tree' [0.3] | 'park' [0.2] | 'garden' [0.2]
"""

THAI_GRAMMAR = r"""
# ประโยคบอกเล่า (statement) หรือคำถาม ... ไหม (yes/no question). Ending particle optional:
# ครับ (male speaker), ค่ะ (female, statement), คะ (female, question).
S         -> Clause [0.6] | Clause Polite [0.2] | Question [0.12] | Question PoliteQ [0.08]
Polite    -> 'ครับ' [0.5] | 'ค่ะ' [0.5]
PoliteQ   -> 'ครับ' [0.5] | 'คะ' [0.5]
Question  -> PersonNP VP_P 'ไหม' [0.6] | AnimalNP VP_A 'ไหม' [0.4]

# Time words agree with aspect: เมื่อวาน (past: negation ไม่ ได้), ตอนนี้ + กำลัง, พรุ่งนี้ + จะ.
Clause    -> Plain [0.4] | 'วันนี้' Plain [0.08] | 'เมื่อวาน' Past [0.12] | Hab 'ทุกวัน' [0.08]
           | 'ตอนนี้' Prog [0.1] | Prog [0.06] | 'พรุ่งนี้' Fut [0.1] | Fut 'พรุ่งนี้' [0.06]
Plain     -> PersonNP Pred_P [0.6] | AnimalNP Pred_A [0.4]
Past      -> PersonNP Past_P [0.6] | AnimalNP Past_A [0.4]
Hab       -> PersonNP VP_P [0.6] | AnimalNP VP_A [0.4]
Prog      -> PersonNP 'กำลัง' ActVP_P [0.6] | AnimalNP 'กำลัง' ActVP_A [0.4]
Fut       -> PersonNP 'จะ' FutPred_P [0.6] | AnimalNP 'จะ' FutPred_A [0.4]
Pred_P    -> VP_P [0.8] | 'ไม่' VP_P [0.2]
Pred_A    -> VP_A [0.8] | 'ไม่' VP_A [0.2]
Past_P    -> VP_P [0.8] | 'ไม่' 'ได้' VP_P [0.2]
Past_A    -> VP_A [0.8] | 'ไม่' 'ได้' VP_A [0.2]
FutPred_P -> FutVP_P [0.8] | 'ไม่' FutVP_P [0.2]
FutPred_A -> FutVP_A [0.8] | 'ไม่' FutVP_A [0.2]

# People (classifier คน); kinship words stand alone. Relative clause with ที่.
PersonNP  -> PersonN [0.35] | PersonN PersonAdj [0.1] | PersonN 'คน' Dem [0.1] | PersonN 'คน' 'หนึ่ง' [0.06]
           | PersonN Num 'คน' [0.06] | PersonN PersonAdj 'คน' Dem [0.04] | PersonN 'ที่' VP_P [0.04]
           | Kin [0.25]
PersonN   -> 'เด็ก' [0.2] | 'เด็กผู้หญิง' [0.15] | 'เด็กผู้ชาย' [0.15] | 'ครู' [0.2] | 'นักเรียน' [0.2]
           | 'เพื่อน' [0.1]
Kin       -> 'แม่' [0.4] | 'พ่อ' [0.3] | 'ยาย' [0.3]
PersonAdj -> 'ใจดี' [0.4] | 'ขยัน' [0.3] | 'เก่ง' [0.3]

# Animals (classifier ตัว).
AnimalNP  -> AnimalN [0.4] | AnimalN AnimalAdj [0.15] | AnimalN 'ตัว' Size [0.12] | AnimalN 'ตัว' Dem [0.1]
           | AnimalN 'ตัว' 'หนึ่ง' [0.06] | AnimalN Num 'ตัว' [0.07] | AnimalN AnimalAdj 'ตัว' Dem [0.05]
           | AnimalN 'ที่' VP_A [0.05]
AnimalN   -> 'แมว' [0.4] | 'หมา' [0.4] | 'นก' [0.2]
AnimalAdj -> Size [0.5] | 'น่ารัก' [0.2] | 'สี' 'ดำ' [0.15] | 'สี' 'ขาว' [0.15]
Size      -> 'เล็ก' [0.4] | 'ใหญ่' [0.35] | 'อ้วน' [0.25]

# Things: หนังสือ (เล่ม), จดหมาย (ฉบับ), ลูกบอล / ส้ม / มะม่วง (ลูก), ปลา (ตัว); food and drink.
BookNP    -> 'หนังสือ' [0.5] | 'หนังสือ' 'เล่ม' ThingAdj [0.15] | 'หนังสือ' 'เล่ม' Dem [0.15]
           | 'หนังสือ' 'เล่ม' 'หนึ่ง' [0.1] | 'หนังสือ' Num 'เล่ม' [0.1]
LetterNP  -> 'จดหมาย' [0.6] | 'จดหมาย' 'ฉบับ' Dem [0.15] | 'จดหมาย' 'ฉบับ' 'หนึ่ง' [0.15]
           | 'จดหมาย' Num 'ฉบับ' [0.1]
BallNP    -> 'ลูกบอล' [0.5] | 'ลูกบอล' 'สี' Colour [0.15] | 'ลูกบอล' 'ลูก' ThingAdj [0.15]
           | 'ลูกบอล' 'ลูก' Dem [0.1] | 'ลูกบอล' Num 'ลูก' [0.1]
FruitNP   -> Fruit [0.45] | Fruit 'สุก' [0.15] | Fruit 'ลูก' ThingSize [0.15] | Fruit 'ลูก' Dem [0.1]
           | Fruit Num 'ลูก' [0.15]
Fruit     -> 'ส้ม' [0.5] | 'มะม่วง' [0.5]
FishNP    -> 'ปลา' [0.6] | 'ปลา' 'ตัว' ThingSize [0.15] | 'ปลา' 'ตัว' Dem [0.1] | 'ปลา' Num 'ตัว' [0.15]
Colour    -> 'แดง' [0.5] | 'ขาว' [0.25] | 'ดำ' [0.25]
ThingSize -> 'เล็ก' [0.5] | 'ใหญ่' [0.5]
ThingAdj  -> 'เล็ก' [0.3] | 'ใหญ่' [0.3] | 'ใหม่' [0.4]
Dem       -> 'นี้' [0.5] | 'นั้น' [0.5]
Num       -> 'สอง' [0.5] | 'สาม' [0.3] | 'ห้า' [0.2]
Food      -> FishNP [0.3] | FruitNP [0.3] | 'ข้าว' [0.25] | 'ขนม' [0.15]
AnimalFood -> FishNP [0.5] | 'ข้าว' [0.3] | 'ขนม' [0.2]
Drink     -> 'นม' [0.3] | 'น้ำ' [0.4] | 'กาแฟ' [0.3]
AnimalDrink -> 'นม' [0.4] | 'น้ำ' [0.6]
BuyNP     -> BookNP [0.25] | BallNP [0.2] | FruitNP [0.2] | FishNP [0.1] | 'ขนม' [0.15] | 'กาแฟ' [0.1]
AnyNP     -> AnimalNP [0.35] | PersonNP [0.3] | BookNP [0.1] | BallNP [0.15] | FruitNP [0.1]

# Verb phrases: what people do, what animals do; an optional place (people do not sit on tables).
# The stative verbs เห็น (see) and ชอบ (like) take neither กำลัง nor a place phrase, and ชอบ
# not จะ; ว่ายน้ำ (swim) takes no place phrase (the places are houses, schools and tables).
VP_P      -> ActVP_P [0.85] | 'เห็น' AnyNP [0.07] | 'ชอบ' AnyNP [0.08]
VP_A      -> ActVP_A [0.85] | 'เห็น' AnyNP [0.07] | 'ชอบ' AnyNP [0.08]
FutVP_P   -> ActVP_P [0.9] | 'เห็น' AnyNP [0.1]
FutVP_A   -> ActVP_A [0.9] | 'เห็น' AnyNP [0.1]
ActVP_P   -> Act_P [0.76] | Act_P PP_P [0.19] | 'ว่ายน้ำ' [0.05]
ActVP_A   -> Act_A [0.8] | Act_A PP_A [0.2]
Act_P     -> 'นอน' [0.07] | Move [0.07] | Move 'เร็ว' [0.04] | 'ร้องเพลง' [0.06] | 'หัวเราะ' [0.05]
           | 'อ่าน' BookNP [0.16] | 'เขียน' LetterNP [0.1] | 'ซื้อ' BuyNP [0.14]
           | 'กิน' Food [0.12] | 'ดื่ม' Drink [0.07] | 'เล่น' BallNP [0.07] | 'ไล่' AnimalNP [0.05]
Act_A     -> 'นอน' [0.17] | Move [0.14] | Move 'เร็ว' [0.06] | 'กระโดด' [0.09] | 'กิน' AnimalFood [0.17]
           | 'ดื่ม' AnimalDrink [0.09] | 'ไล่' AnimalNP [0.14] | 'เล่น' BallNP [0.14]
Move      -> 'วิ่ง' [0.5] | 'เดิน' [0.5]
PP_P      -> 'ที่' PlaceAt [0.4] | 'ใน' PlaceIn [0.45] | 'ใต้' 'ต้นไม้' [0.15]
PP_A      -> 'ที่' 'บ้าน' [0.15] | 'ใน' 'บ้าน' [0.1] | 'ใน' 'สวน' [0.15] | 'บน' Surface [0.3] | 'ใต้' Surface [0.3]
PlaceAt   -> 'บ้าน' [0.4] | 'โรงเรียน' [0.4] | 'ตลาด' [0.2]
PlaceIn   -> 'บ้าน' [0.3] | 'สวน' [0.4] | 'ห้องเรียน' [0.3]
Surface   -> 'โต๊ะ' [0.5] | 'ต้นไม้' [0.5]
"""
