"""Function words of the eight languages ESN students write in, left out of text matching.

BM25's IDF already weighs common words down, but a long motivation carries dozens of them, and
together they outweigh the few words that say what the student wants. The language of a text is
not known, so one set serves every language: a word that means something in one language and is
only grammar in another ("die", "come", "son", "fine") is left out of the set, so it still counts.
Words are written folded: lower case, accents stripped.
"""

from __future__ import annotations

from typing import Final

__all__ = ["STOP_WORDS"]

_ENGLISH = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves i'm im it's we're they're etc via
"""
_SPANISH = """
el la los las un una unos unas y o de del al en con por para que se su sus es como mas pero
lo le les me mi mis te tu tus nos nuestro nuestra nuestros nuestras yo tu el ella ellos ellas
este esta estos estas ese esa esos esas muy ya hay ser estar sobre entre cuando donde tambien
sin hasta desde porque
"""
_ITALIAN = """
il lo gli le un uno una di da in con su per tra fra che non si del della dei degli delle al alla
ai agli alle dal dalla nel nella nei negli nelle sul sulla e ed o ma anche come piu mi ti ci vi
io tu lui lei noi voi loro mio mia miei mie tuo tua nostro nostra questo questa questi queste
quello quella sono essere ho hai ha abbiamo hanno molto
"""
_GERMAN = """
der das den dem des ein eine einer einem einen eines und oder aber auch mit von zu zum zur im am
auf aus bei fur uber unter ist sind bist sein ich du er sie es wir ihr mein meine dein
deine unser unsere nicht kein keine sich mich mir dich dir wie als wenn dass sehr noch nur schon
"""
_FRENCH = """
le la les un une des du de et ou mais donc ni que qui quoi dont en dans par sur sous
avec sans chez au aux ce cet cette ces mon ma mes ton ta tes sa ses notre nos votre vos leur
leurs je tu il elle nous vous ils elles se ne pas plus est sont etre avoir ai as avons ont tres
aussi comme
"""
_PORTUGUESE = """
o a os as um uma uns umas e ou de do da dos das em no na nos nas por pelo pela para com sem que
se seu sua seus suas meu minha meus minhas nosso nossa eu ele ela eles elas voce isto isso este
esta estes estas esse essa muito mais mas como tambem ser estar sou tenho tem ao aos
"""
_POLISH = """
i w we z ze na do od o u za po przez dla przy pod nad bez oraz lub albo ale czy ze to ta te
tego tej tym jest sa byc jestem mam ma sie nie tak jak juz tez bardzo moj moja moje ja ty on ona
ono my wy oni mnie mi
"""
_TURKISH = """
ve ile bir bu o da de ki icin gibi ama fakat veya ya cok daha en her ben sen biz siz onlar
benim bizim mi mu ne olarak olan
"""

STOP_WORDS: Final[frozenset[str]] = frozenset(
    word
    for words in (_ENGLISH, _SPANISH, _ITALIAN, _GERMAN, _FRENCH, _PORTUGUESE, _POLISH, _TURKISH)
    for word in words.split()
)
